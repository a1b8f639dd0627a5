#ifndef FERRY_COPENSSL_SHIM_H
#define FERRY_COPENSSL_SHIM_H
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

/* OpenSSL macros Swift cannot call, as functions. */
static inline int ferry_ssl_ctx_set_min_version(SSL_CTX *ctx, int version) { return (int)SSL_CTX_set_min_proto_version(ctx, version); }
static inline int ferry_ssl_ctx_set_max_version(SSL_CTX *ctx, int version) { return (int)SSL_CTX_set_max_proto_version(ctx, version); }
static inline long ferry_ssl_ctx_session_cache_off(SSL_CTX *ctx) { return SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF); }
static inline long ferry_ssl_set_sni(SSL *ssl, const char *name) { return SSL_set_tlsext_host_name(ssl, name); }
static inline long ferry_ssl_ctx_ignore_unexpected_eof(SSL_CTX *ctx) { return (long)SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF); }
static const int FERRY_TLS1_2_VERSION = TLS1_2_VERSION;
static const int FERRY_TLS1_3_VERSION = TLS1_3_VERSION;
#endif
