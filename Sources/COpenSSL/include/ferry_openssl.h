#ifndef FERRY_OPENSSL_H
#define FERRY_OPENSSL_H
/* OpenSSL 3, loaded with dlopen on first use: a plain FTP session never maps libssl or libcrypto (about 2 MiB of
 * resident memory and a millisecond of start-up). Swift calls the ferry_-prefixed functions below; each goes to
 * the library's own function of the same name without the prefix. Types and constants come from the headers. */
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

/* 1 when libcrypto.so.3 is loaded with every function of FERRY_CRYPTO_FUNCTIONS (loads it the first time); 0 when
 * not, and then none of them may be called. */
int ferry_crypto_available(void);
/* 1 when libssl.so.3 is loaded too, with every function of FERRY_OPENSSL_FUNCTIONS (TLS); 0 when not, and then none
 * of them may be called. */
int ferry_openssl_available(void);
/* Why loading failed, or NULL. */
const char *ferry_openssl_load_error(void);

#define FERRY_OPENSSL_FUNCTIONS(F) \
    F(int, SSL_read_ex, (SSL *s, void *buf, size_t num, size_t *readbytes), (s, buf, num, readbytes)) \
    F(int, SSL_write_ex, (SSL *s, const void *buf, size_t num, size_t *written), (s, buf, num, written)) \
    F(int, SSL_get_error, (const SSL *s, int ret_code), (s, ret_code)) \
    F(long, SSL_get_verify_result, (const SSL *s), (s)) \
    F(int, SSL_shutdown, (SSL *s), (s)) \
    F(void, SSL_set_shutdown, (SSL *s, int mode), (s, mode)) \
    F(int, SSL_get_shutdown, (const SSL *s), (s)) \
    F(int, SSL_set_session, (SSL *s, SSL_SESSION *session), (s, session)) \
    F(int, SSL_set_fd, (SSL *s, int fd), (s, fd)) \
    F(int, SSL_set1_host, (SSL *s, const char *hostname), (s, hostname)) \
    F(int, SSL_session_reused, (const SSL *s), (s)) \
    F(SSL *, SSL_new, (SSL_CTX *ctx), (ctx)) \
    F(const char *, SSL_get_version, (const SSL *s), (s)) \
    F(SSL_SESSION *, SSL_get1_session, (SSL *s), (s)) \
    F(X509 *, SSL_get1_peer_certificate, (const SSL *s), (s)) \
    F(STACK_OF(X509) *, SSL_get_peer_cert_chain, (const SSL *s), (s)) \
    F(X509_VERIFY_PARAM *, SSL_get0_param, (SSL *s), (s)) \
    F(void, SSL_free, (SSL *s), (s)) \
    F(int, SSL_connect, (SSL *s), (s)) \
    F(long, SSL_ctrl, (SSL *s, int cmd, long larg, void *parg), (s, cmd, larg, parg)) \
    F(void, SSL_SESSION_free, (SSL_SESSION *session), (session)) \
    F(const SSL_METHOD *, TLS_client_method, (void), ()) \
    F(SSL_CTX *, SSL_CTX_new, (const SSL_METHOD *method), (method)) \
    F(void, SSL_CTX_free, (SSL_CTX *ctx), (ctx)) \
    F(void, SSL_CTX_set_verify, (SSL_CTX *ctx, int mode, SSL_verify_cb callback), (ctx, mode, callback)) \
    F(int, SSL_CTX_set_default_verify_paths, (SSL_CTX *ctx), (ctx)) \
    F(int, SSL_CTX_load_verify_locations, (SSL_CTX *ctx, const char *file, const char *path), (ctx, file, path)) \
    F(long, SSL_CTX_ctrl, (SSL_CTX *ctx, int cmd, long larg, void *parg), (ctx, cmd, larg, parg)) \
    F(uint64_t, SSL_CTX_set_options, (SSL_CTX *ctx, uint64_t options), (ctx, options))

#define FERRY_CRYPTO_FUNCTIONS(F) \
    F(int, OPENSSL_sk_num, (const OPENSSL_STACK *stack), (stack)) \
    F(void *, OPENSSL_sk_value, (const OPENSSL_STACK *stack, int index), (stack, index)) \
    F(X509_NAME *, X509_get_subject_name, (const X509 *certificate), (certificate)) \
    F(X509_NAME *, X509_get_issuer_name, (const X509 *certificate), (certificate)) \
    F(char *, X509_NAME_oneline, (const X509_NAME *name, char *buffer, int size), (name, buffer, size)) \
    F(const EVP_MD *, EVP_sha256, (void), ()) \
    F(EVP_MD_CTX *, EVP_MD_CTX_new, (void), ()) \
    F(void, EVP_MD_CTX_free, (EVP_MD_CTX *ctx), (ctx)) \
    F(int, EVP_MD_CTX_copy_ex, (EVP_MD_CTX *out, const EVP_MD_CTX *in), (out, in)) \
    F(int, EVP_DigestInit_ex, (EVP_MD_CTX *ctx, const EVP_MD *type, ENGINE *engine), (ctx, type, engine)) \
    F(int, EVP_DigestUpdate, (EVP_MD_CTX *ctx, const void *data, size_t count), (ctx, data, count)) \
    F(int, EVP_DigestFinal_ex, (EVP_MD_CTX *ctx, unsigned char *md, unsigned int *size), (ctx, md, size)) \
    F(void, X509_free, (X509 *certificate), (certificate)) \
    F(int, X509_digest, (const X509 *data, const EVP_MD *type, unsigned char *md, unsigned int *length), \
      (data, type, md, length)) \
    F(const char *, X509_verify_cert_error_string, (long n), (n)) \
    F(int, X509_VERIFY_PARAM_set1_ip_asc, (X509_VERIFY_PARAM *param, const char *address), (param, address)) \
    F(void, ERR_clear_error, (void), ()) \
    F(unsigned long, ERR_peek_error, (void), ()) \
    F(unsigned long, ERR_get_error, (void), ()) \
    F(void, ERR_error_string_n, (unsigned long e, char *buf, size_t length), (e, buf, length))

#define FERRY_OPENSSL_DECLARE(ret, name, params, args) ret ferry_##name params;
FERRY_OPENSSL_FUNCTIONS(FERRY_OPENSSL_DECLARE)
FERRY_CRYPTO_FUNCTIONS(FERRY_OPENSSL_DECLARE)
#undef FERRY_OPENSSL_DECLARE

/* The certificate chain the peer sent, one "subject (issued by issuer)" line each, into out (NUL-terminated,
 * cut at size); returns how many certificates. */
int ferry_peer_chain(SSL *ssl, char *out, size_t size);

/* OpenSSL macros Swift cannot call, as functions. */
int ferry_ssl_ctx_set_min_version(SSL_CTX *ctx, int version);
int ferry_ssl_ctx_set_max_version(SSL_CTX *ctx, int version);
long ferry_ssl_ctx_session_cache_off(SSL_CTX *ctx);
long ferry_ssl_set_sni(SSL *ssl, const char *name);
long ferry_ssl_ctx_ignore_unexpected_eof(SSL_CTX *ctx);
static const int FERRY_TLS1_2_VERSION = TLS1_2_VERSION;
static const int FERRY_TLS1_3_VERSION = TLS1_3_VERSION;
#endif
