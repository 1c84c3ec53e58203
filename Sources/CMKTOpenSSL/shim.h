#ifndef CMKTOPENSSL_SHIM_H
#define CMKTOPENSSL_SHIM_H

// Only the non-deprecated EVP interface is used; function-like macros
// (EVP_MD_size and friends) do not import into Swift, so the typed wrappers
// in MKTCrypto call the real functions.
#include <openssl/evp.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/crypto.h>

#endif
