#ifndef CMKTARCHIVE_SHIM_H
#define CMKTARCHIVE_SHIM_H

#include <archive.h>
#include <archive_entry.h>

// libarchive's file-type constants are macros with casts, which Swift does
// not import: one function per kind mkt tells apart.
static inline int mkt_archive_entry_is_regular(struct archive_entry *entry) {
    return archive_entry_filetype(entry) == AE_IFREG;
}

static inline int mkt_archive_entry_is_directory(struct archive_entry *entry) {
    return archive_entry_filetype(entry) == AE_IFDIR;
}

static inline int mkt_archive_entry_is_symlink(struct archive_entry *entry) {
    return archive_entry_filetype(entry) == AE_IFLNK;
}

static inline int mkt_archive_entry_is_hardlink(struct archive_entry *entry) {
    return archive_entry_hardlink(entry) != NULL;
}

#endif
