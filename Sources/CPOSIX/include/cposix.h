#ifndef CPOSIX_H
#define CPOSIX_H

/// Swaps two paths in one step (Linux renameat2 RENAME_EXCHANGE, macOS renamex_np RENAME_SWAP),
/// so that a folder is replaced with no moment in which neither exists. Returns 0, or -1 with errno.
int cposix_rename_exchange(const char *from, const char *to);

#endif
