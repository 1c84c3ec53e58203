import CMKTSystem
import Foundation

/// An mkt process may hold decrypted keys, cookies and passkeys in memory:
/// no core dump may take them to disk, and no other process of the user may
/// read its memory or its environment (`/proc/PID/environ`, where
/// `MKT_PASSKEY` or `MKT_PASSWORD` would be).
public enum ProcessHardening {
    /// Core dumps off (`RLIMIT_CORE` 0, which children inherit) and the
    /// process not dumpable (no core, no ptrace, `/proc/PID/*` owned by root).
    public static func apply() {
        var none = rlimit(rlim_cur: 0, rlim_max: 0)
        _ = setrlimit(Int32(RLIMIT_CORE.rawValue), &none)
        _ = mkt_set_dumpable(0)
    }

    /// Whether the kernel would dump this process's core: false once applied.
    public static var isDumpable: Bool { mkt_get_dumpable() == 1 }
}
