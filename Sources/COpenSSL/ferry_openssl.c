#include "ferry_openssl.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

/* Every function pointer, typed by OpenSSL's own declaration of the function it points to. */
#define FERRY_OPENSSL_POINTER(ret, name, params, args) __typeof__(&name) name;
static struct {
    FERRY_OPENSSL_FUNCTIONS(FERRY_OPENSSL_POINTER)
    FERRY_CRYPTO_FUNCTIONS(FERRY_OPENSSL_POINTER)
} table;
#undef FERRY_OPENSSL_POINTER

static pthread_once_t crypto_once = PTHREAD_ONCE_INIT, ssl_once = PTHREAD_ONCE_INIT;
static int crypto_loaded, ssl_loaded;
/* dlerror's text belongs to the calling thread and is freed by its next dl call or its exit: kept as a copy. */
static char load_error[256];

static void remember_error(const char *what) {
    snprintf(load_error, sizeof load_error, "%s", what ? what : "unknown error");
}

static void load_crypto(void) {
    /* RTLD_LOCAL keeps the symbols out of everyone else's way. */
    void *crypto = dlopen("libcrypto.so.3", RTLD_NOW | RTLD_LOCAL);
    if (!crypto) { remember_error(dlerror()); return; }
#define FERRY_CRYPTO_RESOLVE(ret, name, params, args) \
    if (!(table.name = (__typeof__(&name))dlsym(crypto, #name))) { remember_error("libcrypto.so.3 lacks " #name); return; }
    FERRY_CRYPTO_FUNCTIONS(FERRY_CRYPTO_RESOLVE)
#undef FERRY_CRYPTO_RESOLVE
    /* No clean-up at exit: worker threads that are still in a handshake when the program ends (a parallel job
     * does not wait for sessions it no longer needs) would find the library torn down under them. */
    __typeof__(&OPENSSL_init_crypto) init = (__typeof__(&OPENSSL_init_crypto))dlsym(crypto, "OPENSSL_init_crypto");
    if (!init || init(OPENSSL_INIT_NO_ATEXIT, NULL) != 1) { remember_error("OpenSSL did not initialise"); return; }
    crypto_loaded = 1;
}

static void load_ssl(void) {
    if (!ferry_crypto_available()) return;
    void *ssl = dlopen("libssl.so.3", RTLD_NOW | RTLD_LOCAL);
    if (!ssl) { remember_error(dlerror()); return; }
#define FERRY_OPENSSL_RESOLVE(ret, name, params, args) \
    if (!(table.name = (__typeof__(&name))dlsym(ssl, #name))) { remember_error("libssl.so.3 lacks " #name); return; }
    FERRY_OPENSSL_FUNCTIONS(FERRY_OPENSSL_RESOLVE)
#undef FERRY_OPENSSL_RESOLVE
    ssl_loaded = 1;
}

int ferry_crypto_available(void) {
    pthread_once(&crypto_once, load_crypto);
    return crypto_loaded;
}

int ferry_openssl_available(void) {
    pthread_once(&ssl_once, load_ssl);
    return ssl_loaded;
}

const char *ferry_openssl_load_error(void) {
    return load_error[0] ? load_error : NULL;
}

/* Callers check ferry_openssl_available (TLS) or ferry_crypto_available (SHA-256) first; a call without it still
 * loads, and never jumps to NULL. */
#define FERRY_OPENSSL_DEFINE(ret, name, params, args) \
    ret ferry_##name params { \
        if (!ferry_openssl_available()) abort(); \
        return table.name args; \
    }
#define FERRY_CRYPTO_DEFINE(ret, name, params, args) \
    ret ferry_##name params { \
        if (!ferry_crypto_available()) abort(); \
        return table.name args; \
    }
FERRY_OPENSSL_FUNCTIONS(FERRY_OPENSSL_DEFINE)
FERRY_CRYPTO_FUNCTIONS(FERRY_CRYPTO_DEFINE)
#undef FERRY_OPENSSL_DEFINE
#undef FERRY_CRYPTO_DEFINE

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

int ferry_peer_chain(SSL *ssl, char *out, size_t size) {
    if (size == 0) return 0;
    out[0] = 0;
    STACK_OF(X509) *chain = ferry_SSL_get_peer_cert_chain(ssl);
    if (!chain) return 0;
    int count = ferry_OPENSSL_sk_num((const OPENSSL_STACK *)chain);
    size_t used = 0;
    for (int index = 0; index < count && index < 10; index++) {
        const X509 *certificate = ferry_OPENSSL_sk_value((const OPENSSL_STACK *)chain, index);
        char subject[256], issuer[256];
        ferry_X509_NAME_oneline(ferry_X509_get_subject_name(certificate), subject, sizeof subject);
        ferry_X509_NAME_oneline(ferry_X509_get_issuer_name(certificate), issuer, sizeof issuer);
        int wrote = snprintf(out + used, size - used, "%s (issued by %s)\n", subject, issuer);
        if (wrote < 0 || (size_t)wrote >= size - used) { out[size - 1] = 0; return count; }
        used += (size_t)wrote;
    }
    return count;
}
