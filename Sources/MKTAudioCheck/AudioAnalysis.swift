import Foundation
import MKTMetadata

/// A stretch of decoded samples: interleaved, at the file's own bit depth.
public struct PCMWindow: Sendable {
    public var samples: [Int32]
    public var channels: Int
    public var bitDepth: Int
    public var sampleRate: Int
    /// Where the stretch starts in the track.
    public var startSeconds: Double

    public init(samples: [Int32], channels: Int, bitDepth: Int, sampleRate: Int, startSeconds: Double) {
        self.samples = samples
        self.channels = channels
        self.bitDepth = bitDepth
        self.sampleRate = sampleRate
        self.startSeconds = startSeconds
    }
}

/// The audio checks on a few decoded windows of a lossless track: fake
/// 24-bit, upsampling, a lossy master, clipping and digital silence. Pure:
/// the decoding is AudioCheck's.
///
/// Thresholds, and where they come from:
/// - Fake 24-bit: the low 8 bits of every sample read are zero: a 16-bit
///   recording padded to 24 (exact, no threshold).
/// - Fake 24-bit with noise in the low bits: no 250 Hz band of the spectrum
///   is more than 3 dB below the level of 16-bit rounding noise
///   (`sixteenBitFloor`): whatever the low bits hold is below what 16 bits
///   already carry. A warning: a recording whose own noise (tape hiss, a
///   room) fills every band looks the same.
/// - A spectral cliff: the mean level of the 1.5 kHz below a frequency is at
///   least 30 dB above the loudest 250 Hz band anywhere above it, up to 97% of
///   Nyquist. 30 dB is a judgement call: a lowpass or a resampler's stopband
///   leaves 60 dB and more, music's own roll-off is gradual.
/// - Upsampled: a cliff at or below 24.5 kHz in a file of 88.2 kHz or more, the
///   original Nyquist of 44.1 or 48 kHz with a resampler's transition band.
/// - Lossy master: a cliff below 20 kHz. LAME 3.100 says its lowpass with
///   --verbose: 16.5-17.1 kHz at 128 kbps, 20.1-20.6 kHz at 320 kbps; a CD
///   master's anti-alias filter sits above 20 kHz. The 20 kHz line is a
///   judgement call (it lets a 320 kbps MP3 through rather than flag CDs).
/// - Clipping: a run of 3 or more consecutive samples at full scale in one
///   channel, Audacity's Find Clipping default (audacity,
///   src/effects/FindClipping.h: "Duty Cycle Start" 3); flagged when there is more than
///   one run per second read (a judgement call).
/// - Digital silence: a whole window (normally 2 s) of zero samples away from
///   the track's start and end.
public enum AudioAnalysis {
    public static let cliffDrop = 30.0
    public static let upsampledCliffLimit = 24_500.0
    public static let lossyCliffLimit = 20_000.0
    public static let clipRunLength = 3

    /// The findings for one track, from its windows.
    public static func findings(path: String, windows: [PCMWindow], trackSeconds: Double) -> [Finding] {
        guard let first = windows.first, first.channels > 0 else {
            return [Finding(severity: .error, code: "audio-undecodable", path: path, message: "no samples could be decoded for the audio checks")]
        }
        var findings: [Finding] = []
        let readSeconds = windows.reduce(0.0) { $0 + Double($1.samples.count / $1.channels) / Double(max($1.sampleRate, 1)) }
        let rate = Double(first.sampleRate)
        let khz = { (hertz: Double) in String(format: "%.1f kHz", hertz / 1000) }
        let secondsText = String(format: "%.1f s", readSeconds)

        // Fake 24-bit.
        let all = windows.flatMap(\.samples)
        let nonZero = all.filter { $0 != 0 }.count
        if first.bitDepth == 24, nonZero > 0, all.allSatisfy({ $0 & 0xFF == 0 }) {
            findings.append(Finding(severity: .error, code: "fake-24-bit", path: path,
                message: "the low 8 bits of all \(all.count) samples read (\(secondsText) from \(windows.count) places) are zero: a 16-bit recording padded to 24 bits"))
        }

        let levels = bandLevels(windows: windows)
        // Fake 24-bit with noise in the low bits: nothing in the spectrum below the 16-bit floor.
        if first.bitDepth > 16, !findings.contains(where: { $0.code == "fake-24-bit" }), nonZero > 0,
            let quietest = quietestBand(levels: levels, nyquist: rate / 2) {
            let floor = sixteenBitFloor(channels: first.channels)
            if quietest.level >= floor - noiseFloorMargin {
                findings.append(Finding(severity: .warning, code: "fake-24-bit-noise", path: path, message: String(
                    format: "nothing below the 16-bit noise floor: the quietest band (%.2f kHz) is at %.1f dB, 16-bit rounding noise at %.1f dB (flagged within %.0f dB): 16-bit audio padded to %d bits with noise, or a recording whose own noise fills the low bits?",
                    quietest.frequency / 1000, quietest.level, floor, noiseFloorMargin, first.bitDepth)))
            }
        }

        // Upsampled or a lossy master, from the spectrum's cliff.
        if let cliff = cliff(levels: levels, bandWidth: bandWidth, nyquist: rate / 2) {
            let drop = String(format: "%.0f dB", cliff.drop)
            if cliff.frequency < lossyCliffLimit {
                findings.append(Finding(severity: .warning, code: "lossy-master", path: path,
                    message: "the spectrum stops at \(khz(cliff.frequency)) (\(drop) down above it) in a \(khz(rate)) file: made from a lossy (MP3, AAC) source?"))
            } else if rate >= 88_200, cliff.frequency <= upsampledCliffLimit {
                let original = cliff.frequency <= 22_050 ? "44.1 kHz" : "48 kHz"
                findings.append(Finding(severity: .warning, code: "upsampled", path: path,
                    message: "no content above \(khz(cliff.frequency)) (\(drop) down) in a \(khz(rate)) file: upsampled from \(original)?"))
            }
        }

        // Clipping.
        let runs = windows.reduce(0) { $0 + clipRuns($1) }
        if Double(runs) > readSeconds {
            findings.append(Finding(severity: .warning, code: "clipping", path: path,
                message: "\(runs) runs of \(clipRunLength) or more samples at full scale in the \(secondsText) read: clipped"))
        }

        // Digital silence in the middle of the track.
        for window in windows where !window.samples.isEmpty && window.samples.allSatisfy({ $0 == 0 }) {
            let length = Double(window.samples.count / window.channels) / rate
            guard window.startSeconds > 1, window.startSeconds + length < trackSeconds - 1 else { continue }
            findings.append(Finding(severity: .warning, code: "digital-silence", path: path,
                message: String(format: "%.1f s of digital silence (every sample zero) from %d:%02d", length, Int(window.startSeconds) / 60, Int(window.startSeconds) % 60)))
        }
        return findings
    }

    /// Width of the bands the spectrum is summed into.
    public static let bandWidth = 250.0
    static let frameSize = 8192
    static let framesPerWindow = 8

    /// The mean power of each 250 Hz band from 0 Hz, in dB relative to full
    /// scale, averaged over Hann-windowed frames of the channels' mean.
    public static func bandLevels(windows: [PCMWindow]) -> [Double] {
        guard let first = windows.first else { return [] }
        let size = frameSize
        let hann = (0..<size).map { 0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(size)) }
        var power = [Double](repeating: 0, count: size / 2)
        var frames = 0
        for window in windows where window.channels > 0 {
            let scale = 1 / (Double(Int64(1) << max(window.bitDepth - 1, 0)) * Double(window.channels))
            let count = window.samples.count / window.channels
            var mono = [Double](repeating: 0, count: count)
            for index in 0..<count {
                var sum = 0.0
                for channel in 0..<window.channels { sum += Double(window.samples[index * window.channels + channel]) }
                mono[index] = sum * scale
            }
            var start = 0
            var taken = 0
            while start + size <= count, taken < framesPerWindow {
                let frame = (0..<size).map { mono[start + $0] * hann[$0] }
                let spectrum = RealFFT.powerSpectrum(frame)
                for bin in 0..<power.count { power[bin] += spectrum[bin] }
                frames += 1
                taken += 1
                start += size
            }
        }
        guard frames > 0 else { return [] }
        let binWidth = Double(first.sampleRate) / Double(size)
        let bands = Int((Double(first.sampleRate) / 2 / bandWidth).rounded(.down))
        var levels: [Double] = []
        for band in 0..<bands {
            let low = Int((Double(band) * bandWidth / binWidth).rounded(.up))
            let high = min(Int((Double(band + 1) * bandWidth / binWidth).rounded(.up)), power.count)
            guard low < high else { levels.append(-300); continue }
            let mean = power[low..<high].reduce(0, +) / Double(high - low) / Double(frames)
            levels.append(10 * log10(mean + 1e-30))
        }
        return levels
    }

    /// How close to the 16-bit floor the quietest band may come before the
    /// low bits are said to carry nothing: the bands' own spread (a band's
    /// mean over a few hundred bins and frames varies by about 1 dB) and the
    /// least noise a 16-bit file has (plain rounding, no dither).
    public static let noiseFloorMargin = 3.0

    /// The level `bandLevels` gives 16-bit rounding noise: uniform error of
    /// ±½ LSB, variance LSB²/12 per channel (Bennett's quantisation noise,
    /// W. R. Bennett, "Spectra of Quantized Signals", Bell System Technical
    /// Journal 27, 1948), independent per channel so the channels' mean has
    /// 1/channels of it, times the Hann window's Σw² = 3N/8 per FFT bin.
    /// TPDF dither, what sox and most converters add, triples the variance (+4.8 dB).
    public static func sixteenBitFloor(channels: Int) -> Double {
        let lsb = 1.0 / 32768
        let variance = lsb * lsb / 12 / Double(max(channels, 1))
        return 10 * log10(variance * 3 * Double(frameSize) / 8)
    }

    /// The quietest band between the lowest one above 0 Hz and 97% of Nyquist (a resampler's or a converter's edge above that).
    static func quietestBand(levels: [Double], nyquist: Double) -> (frequency: Double, level: Double)? {
        let top = min(Int(nyquist * 0.97 / bandWidth), levels.count)
        guard top > 1 else { return nil }
        var quietest: (frequency: Double, level: Double)?
        for band in 1..<top where levels[band] < (quietest?.level ?? .infinity) { quietest = (Double(band) * bandWidth, levels[band]) }
        return quietest
    }

    /// The frequency above which the spectrum falls off a cliff: where the
    /// mean of the 1.5 kHz below is at least `cliffDrop` dB above the loudest
    /// band above it (searched from 12 kHz, the loudest such drop).
    public static func cliff(levels: [Double], bandWidth: Double, nyquist: Double) -> (frequency: Double, drop: Double)? {
        let belowBands = Int(1500 / bandWidth)
        let top = Int(nyquist * 0.97 / bandWidth)
        guard top <= levels.count else { return nil }
        var best: (frequency: Double, drop: Double)?
        var band = Int(12_000 / bandWidth)
        while band < top - 1 {
            let below = levels[(band - belowBands)..<band].reduce(0, +) / Double(belowBands)
            let above = levels[band..<top].max() ?? below
            let drop = below - above
            if drop >= cliffDrop, drop > (best?.drop ?? -Double.infinity) { best = (Double(band) * bandWidth, drop) }
            band += 1
        }
        return best
    }

    /// Runs of `clipRunLength` or more consecutive samples at full scale, per channel.
    static func clipRuns(_ window: PCMWindow) -> Int {
        guard window.channels > 0, window.bitDepth > 1 else { return 0 }
        let maximum = Int32(truncatingIfNeeded: (Int64(1) << (window.bitDepth - 1)) - 1)
        let minimum = -maximum - 1
        var runs = 0
        for channel in 0..<window.channels {
            var length = 0
            var index = channel
            while index < window.samples.count {
                let sample = window.samples[index]
                if sample >= maximum || sample <= minimum { length += 1 } else {
                    if length >= clipRunLength { runs += 1 }
                    length = 0
                }
                index += window.channels
            }
            if length >= clipRunLength { runs += 1 }
        }
        return runs
    }
}

/// A radix-2 FFT of a real frame, enough for a spectrum of a few frames per track.
enum RealFFT {
    /// |X[k]|² for k below size/2; the size must be a power of two.
    static func powerSpectrum(_ frame: [Double]) -> [Double] {
        let size = frame.count
        var real = frame
        var imaginary = [Double](repeating: 0, count: size)
        var target = 0
        for index in 0..<size {
            if index < target { real.swapAt(index, target) }
            var bit = size >> 1
            while bit > 0, target & bit != 0 { target ^= bit; bit >>= 1 }
            target |= bit
        }
        var length = 2
        while length <= size {
            let angle = -2 * Double.pi / Double(length)
            for start in stride(from: 0, to: size, by: length) {
                for offset in 0..<(length / 2) {
                    let (c, s) = (cos(angle * Double(offset)), sin(angle * Double(offset)))
                    let even = start + offset, odd = even + length / 2
                    let tr = real[odd] * c - imaginary[odd] * s
                    let ti = real[odd] * s + imaginary[odd] * c
                    real[odd] = real[even] - tr
                    imaginary[odd] = imaginary[even] - ti
                    real[even] += tr
                    imaginary[even] += ti
                }
            }
            length <<= 1
        }
        return (0..<(size / 2)).map { real[$0] * real[$0] + imaginary[$0] * imaginary[$0] }
    }
}
