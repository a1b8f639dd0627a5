#include "ferry_openssl.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>

/* Every function pointer, typed by OpenSSL's own declaration of the function it points to. */
#define FERRY_OPENSSL_POINTER(ret, name, params, args) __typeof__(&name) name;
static struct {
    FERRY_OPENSSL_FUNCTIONS(FERRY_OPENSSL_POINTER)
    FERRY_CRYPTO_FUNCTIONS(FERRY_OPENSSL_POINTER)
} table;
#undef FERRY_OPENSSL_POINTER

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int loaded;
static const char *load_error;

static void load(void) {
    /* libssl needs libcrypto; RTLD_LOCAL keeps their symbols out of everyone else's way. */
    void *crypto = dlopen("libcrypto.so.3", RTLD_NOW | RTLD_LOCAL);
    void *ssl = crypto ? dlopen("libssl.so.3", RTLD_NOW | RTLD_LOCAL) : NULL;
    if (!crypto || !ssl) {
        load_error = dlerror();
        return;
    }
#define FERRY_OPENSSL_RESOLVE(ret, name, params, args) \
    if (!(table.name = (__typeof__(&name))dlsym(ssl, #name))) { load_error = "libssl.so.3 lacks " #name; return; }
#define FERRY_CRYPTO_RESOLVE(ret, name, params, args) \
    if (!(table.name = (__typeof__(&name))dlsym(crypto, #name))) { load_error = "libcrypto.so.3 lacks " #name; return; }
    FERRY_OPENSSL_FUNCTIONS(FERRY_OPENSSL_RESOLVE)
    FERRY_CRYPTO_FUNCTIONS(FERRY_CRYPTO_RESOLVE)
#undef FERRY_OPENSSL_RESOLVE
#undef FERRY_CRYPTO_RESOLVE
    loaded = 1;
}

int ferry_openssl_available(void) {
    pthread_once(&once, load);
    return loaded;
}

const char *ferry_openssl_load_error(void) {
    pthread_once(&once, load);
    return load_error;
}

/* Callers check ferry_openssl_available first; a call without it still loads, and never jumps to NULL. */
#define FERRY_OPENSSL_DEFINE(ret, name, params, args) \
    ret ferry_##name params { \
        if (!ferry_openssl_available()) abort(); \
        return table.name args; \
    }
FERRY_OPENSSL_FUNCTIONS(FERRY_OPENSSL_DEFINE)
FERRY_CRYPTO_FUNCTIONS(FERRY_OPENSSL_DEFINE)
#undef FERRY_OPENSSL_DEFINE

int ferry_ssl_ctx_set_min_version(SSL_CTX *ctx, int version) {
    return (int)ferry_SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MIN_PROTO_VERSION, version, NULL);
}
int ferry_ssl_ctx_set_max_version(SSL_CTX *ctx, int version) {
    return (int)ferry_SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MAX_PROTO_VERSION, version, NULL);
}
long ferry_ssl_ctx_session_cache_off(SSL_CTX *ctx) {
    return ferry_SSL_CTX_ctrl(ctx, SSL_CTRL_SET_SESS_CACHE_MODE, SSL_SESS_CACHE_OFF, NULL);
}
long ferry_ssl_set_sni(SSL *ssl, const char *name) {
    return ferry_SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, (void *)name);
}
long ferry_ssl_ctx_ignore_unexpected_eof(SSL_CTX *ctx) {
    return (long)ferry_SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
}
