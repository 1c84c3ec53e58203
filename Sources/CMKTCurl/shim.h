#ifndef CMKTCURL_SHIM_H
#define CMKTCURL_SHIM_H

#include <curl/curl.h>

// curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot
// call: one typed wrapper per argument kind.
static inline CURLcode mkt_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode mkt_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode mkt_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

typedef size_t (*mkt_curl_data_callback)(char *data, size_t size, size_t count, void *context);

static inline CURLcode mkt_curl_setopt_callback(CURL *handle, CURLoption option, mkt_curl_data_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}

typedef int (*mkt_curl_xferinfo_callback)(void *context, curl_off_t download_total, curl_off_t download_now, curl_off_t upload_total, curl_off_t upload_now);

static inline CURLcode mkt_curl_setopt_xferinfo(CURL *handle, mkt_curl_xferinfo_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, callback);
}

static inline CURLcode mkt_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

#endif
