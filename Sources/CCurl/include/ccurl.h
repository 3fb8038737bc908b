#ifndef SIGIL_CCURL_H
#define SIGIL_CCURL_H
#include <curl/curl.h>

// libcurl is loaded with dlopen the first time an etcd client is made, not linked: a signer without the etcd
// backend then maps none of it (libcurl pulls in about 30 shared libraries, some 6 MB of resident memory).
// Swift calls only these wrappers; calling a curl_* function directly would not link.

/// Loads libcurl.so.4 and runs curl_global_init once; NULL on success, else why it failed.
const char *ccurl_load(void);

CURL *ccurl_easy_init(void);
void ccurl_easy_cleanup(CURL *h);
CURLcode ccurl_easy_perform(CURL *h);
const char *ccurl_easy_strerror(CURLcode code);
struct curl_slist *ccurl_slist_append(struct curl_slist *list, const char *line);
void ccurl_slist_free_all(struct curl_slist *list);

// curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call: one typed wrapper per kind.
CURLcode ccurl_setopt_long(CURL *h, CURLoption o, long v);
CURLcode ccurl_setopt_string(CURL *h, CURLoption o, const char *v);
CURLcode ccurl_setopt_pointer(CURL *h, CURLoption o, void *v);
typedef size_t (*ccurl_write_callback)(char *data, size_t size, size_t count, void *context);
CURLcode ccurl_setopt_write(CURL *h, ccurl_write_callback f);
CURLcode ccurl_getinfo_long(CURL *h, CURLINFO i, long *v);
static inline int ccurl_error_size(void) { return CURL_ERROR_SIZE; }
#endif
