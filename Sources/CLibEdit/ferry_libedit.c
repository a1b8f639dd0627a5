#include "ferry_libedit.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>

#define FERRY_LIBEDIT_FUNCTIONS(F) \
    F(el_init) F(el_end) F(el_gets) F(el_set) F(el_get) F(el_source) F(el_line) F(el_insertstr) F(el_deletestr) \
    F(history_init) F(history_end) F(history)

/* Every function pointer, typed by histedit.h's declaration of the function it points to. */
#define FERRY_LIBEDIT_POINTER(name) __typeof__(&name) name;
static struct { FERRY_LIBEDIT_FUNCTIONS(FERRY_LIBEDIT_POINTER) } table;
#undef FERRY_LIBEDIT_POINTER

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int loaded;

static void load(void) {
    void *library = dlopen("libedit.so.2", RTLD_NOW | RTLD_LOCAL);
    if (!library) return;
#define FERRY_LIBEDIT_RESOLVE(name) if (!(table.name = (__typeof__(&name))dlsym(library, #name))) return;
    FERRY_LIBEDIT_FUNCTIONS(FERRY_LIBEDIT_RESOLVE)
#undef FERRY_LIBEDIT_RESOLVE
    loaded = 1;
}

int ferry_libedit_available(void) {
    pthread_once(&once, load);
    return loaded;
}

/* Callers check ferry_libedit_available first; a call without it never jumps to NULL. */
#define T(name) (ferry_libedit_available() ? table.name : (abort(), table.name))

EditLine *ferry_el_init(const char *program, FILE *in, FILE *out, FILE *err) { return T(el_init)(program, in, out, err); }
void ferry_el_end(EditLine *e) { T(el_end)(e); }
const char *ferry_el_gets(EditLine *e, int *count) { return T(el_gets)(e, count); }
int ferry_el_source(EditLine *e, const char *file) { return T(el_source)(e, file); }
const LineInfo *ferry_el_line(EditLine *e) { return T(el_line)(e); }
int ferry_el_insertstr(EditLine *e, const char *text) { return T(el_insertstr)(e, text); }
void ferry_el_deletestr(EditLine *e, int count) { T(el_deletestr)(e, count); }
History *ferry_history_init(void) { return T(history_init)(); }
void ferry_history_end(History *h) { T(history_end)(h); }

int ferry_el_set_prompt(EditLine *e, ferry_el_prompt_fn f) { return T(el_set)(e, EL_PROMPT, f); }
int ferry_el_set_editor(EditLine *e, const char *mode) { return T(el_set)(e, EL_EDITOR, mode); }
int ferry_el_set_signal(EditLine *e, int on) { return T(el_set)(e, EL_SIGNAL, on); }
int ferry_el_set_hist(EditLine *e, History *h) { return T(el_set)(e, EL_HIST, T(history), h); }
int ferry_el_add_fn(EditLine *e, const char *name, const char *help, ferry_el_cmd_fn f) {
    return T(el_set)(e, EL_ADDFN, name, help, f);
}
int ferry_el_bind(EditLine *e, const char *key, const char *fn) { return T(el_set)(e, EL_BIND, key, fn, NULL); }
int ferry_el_set_clientdata(EditLine *e, void *p) { return T(el_set)(e, EL_CLIENTDATA, p); }
void *ferry_el_get_clientdata(EditLine *e) {
    void *p = NULL;
    T(el_get)(e, EL_CLIENTDATA, &p);
    return p;
}
int ferry_hist_setsize(History *h, int n) { HistEvent ev; return T(history)(h, &ev, H_SETSIZE, n); }
int ferry_hist_setunique(History *h, int on) { HistEvent ev; return T(history)(h, &ev, H_SETUNIQUE, on); }
int ferry_hist_enter(History *h, const char *s) { HistEvent ev; return T(history)(h, &ev, H_ENTER, s); }
