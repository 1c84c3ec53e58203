extension Repository {
    /// What `mkt init` writes as a new store's config: `[core]`, the only
    /// lines a store needs, and the rest commented out (`#`, as in git) so a
    /// user sees the sections they would fill without any of them taking
    /// effect. Each example line is a valid value: uncommented, the whole
    /// file still passes the config check (MKTJourneyTests pins that).
    static let configTemplate = """
        # This store's config. Lines starting with # or ; are comments: remove the
        # leading # of a section and its keys to use them; mkt config --list shows
        # what is set. Every key, its type and its default: Documentation/mkt-config.md
        # in mkt's source. Secrets never go here, they go in the encrypted
        # credential store: mkt credential set red --api-key (then --passkey).
        [core]
        \tformat = \(format)
        \thash = \(hashName)

        # The built-in trackers (red, ops, dic) need no section; one changes only
        # the keys it names. Their API keys and passkeys: mkt credential set.
        #[tracker "red"]
        #\ttimeout = 120s                # the longest one exchange with the site may take
        #\trate-limit = 10/10s            # REQUESTS/SECONDS, RED's own limit
        #[tracker "ops"]
        #\ttimeout = 120s
        #\trate-limit = 5/10s             # OPS's own limit

        # Another site needs family, url, source and announce ({passkey} stands
        # for the passkey); a UNIT3D site also its category and type ids.
        #[tracker "seedpool"]
        #\tfamily = unit3d                # red, ops, dic or unit3d
        #\turl = https://seedpool.org
        #\tsource = seedpool.org          # the flag the site puts in info.source
        #\tannounce = https://seedpool.org/announce/{passkey}
        #\tcategory-id = 5                # the site's music category
        #\ttype-id = 7                    # the site's type id

        # A BitTorrent client that pushes hand their torrents to; its password:
        # mkt credential set qbt --password.
        #[client "qbt"]
        #\ttype = qbittorrent             # qbittorrent, transmission, deluge, rtorrent or watch
        #\turl = http://127.0.0.1:8080    # its Web UI
        #\tusername = admin
        #\tpath-map = /home/me/music:/data/music   # LOCAL:REMOTE, where the client sees a folder

        # Which [client] pushes seed with (default: the only one; empty: none).
        #[seed]
        #\tclient = qbt

        """
}
