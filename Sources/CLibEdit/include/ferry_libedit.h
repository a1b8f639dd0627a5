#ifndef FERRY_LIBEDIT_H
#define FERRY_LIBEDIT_H
/* libedit, loaded with dlopen when a terminal session first needs line editing: a script, a one-shot transfer
 * or `ferry -e` never maps it (nor libtinfo, libbsd, libmd). Types and constants come from histedit.h. */
#include <stdio.h>
#include <histedit.h>

/* 1 when libedit.so.2 is loaded with every function Ferry calls (loads it the first time); 0 when not, and then no
 * other function here may be called. */
int ferry_libedit_available(void);

EditLine *ferry_el_init(const char *program, FILE *in, FILE *out, FILE *err);
void ferry_el_end(EditLine *e);
const char *ferry_el_gets(EditLine *e, int *count);
int ferry_el_source(EditLine *e, const char *file);
const LineInfo *ferry_el_line(EditLine *e);
int ferry_el_insertstr(EditLine *e, const char *text);
void ferry_el_deletestr(EditLine *e, int count);
History *ferry_history_init(void);
void ferry_history_end(History *h);

/* el_set, el_get and history are variadic: Swift cannot call them, so each form Ferry uses gets a wrapper. */
typedef char *(*ferry_el_prompt_fn)(EditLine *);
typedef unsigned char (*ferry_el_cmd_fn)(EditLine *, int);
int ferry_el_set_prompt(EditLine *e, ferry_el_prompt_fn f);
int ferry_el_set_editor(EditLine *e, const char *mode);
int ferry_el_set_signal(EditLine *e, int on);
int ferry_el_set_hist(EditLine *e, History *h);
int ferry_el_add_fn(EditLine *e, const char *name, const char *help, ferry_el_cmd_fn f);
int ferry_el_bind(EditLine *e, const char *key, const char *fn);
int ferry_el_set_clientdata(EditLine *e, void *p);
void *ferry_el_get_clientdata(EditLine *e);
int ferry_hist_setsize(History *h, int n);
int ferry_hist_setunique(History *h, int on);
int ferry_hist_enter(History *h, const char *s);
static const unsigned char FERRY_CC_REFRESH = CC_REFRESH;
static const unsigned char FERRY_CC_REDISPLAY = CC_REDISPLAY;
static const unsigned char FERRY_CC_ERROR = CC_ERROR;
#endif
