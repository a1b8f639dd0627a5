#ifndef FERRY_CLIBEDIT_SHIM_H
#define FERRY_CLIBEDIT_SHIM_H
#include <stdio.h>
#include <histedit.h>

/* el_set, el_get and history are variadic: Swift cannot call them, so each form Ferry uses gets a wrapper. */
typedef char *(*ferry_el_prompt_fn)(EditLine *);
typedef unsigned char (*ferry_el_cmd_fn)(EditLine *, int);

static inline int ferry_el_set_prompt(EditLine *e, ferry_el_prompt_fn f) { return el_set(e, EL_PROMPT, f); }
static inline int ferry_el_set_editor(EditLine *e, const char *mode) { return el_set(e, EL_EDITOR, mode); }
static inline int ferry_el_set_signal(EditLine *e, int on) { return el_set(e, EL_SIGNAL, on); }
static inline int ferry_el_set_hist(EditLine *e, History *h) { return el_set(e, EL_HIST, history, h); }
static inline int ferry_el_add_fn(EditLine *e, const char *name, const char *help, ferry_el_cmd_fn f) { return el_set(e, EL_ADDFN, name, help, f); }
static inline int ferry_el_bind(EditLine *e, const char *key, const char *fn) { return el_set(e, EL_BIND, key, fn, NULL); }
static inline int ferry_el_set_clientdata(EditLine *e, void *p) { return el_set(e, EL_CLIENTDATA, p); }
static inline void *ferry_el_get_clientdata(EditLine *e) { void *p = NULL; el_get(e, EL_CLIENTDATA, &p); return p; }
static inline int ferry_hist_setsize(History *h, int n) { HistEvent ev; return history(h, &ev, H_SETSIZE, n); }
static inline int ferry_hist_setunique(History *h, int on) { HistEvent ev; return history(h, &ev, H_SETUNIQUE, on); }
static inline int ferry_hist_enter(History *h, const char *s) { HistEvent ev; return history(h, &ev, H_ENTER, s); }
static const unsigned char FERRY_CC_REFRESH = CC_REFRESH;
static const unsigned char FERRY_CC_REDISPLAY = CC_REDISPLAY;
static const unsigned char FERRY_CC_ERROR = CC_ERROR;
#endif
