#ifndef SIGIL_CSODIUM_SHIM_H
#define SIGIL_CSODIUM_SHIM_H
#include <sodium.h>

// sodium_base64_ENCODED_LEN is a function-like macro, which Swift cannot import.
static inline size_t csodium_base64_encoded_len(size_t bin_len, int variant) {
    return sodium_base64_ENCODED_LEN(bin_len, variant);
}
#endif
