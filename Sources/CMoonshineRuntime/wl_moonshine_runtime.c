/*
 * See wl_moonshine_runtime.h. ONNX Runtime's C API is a table of function pointers reached through OrtGetApiBase,
 * the library's one exported entry point. The runtime's ABI fixes each function's slot in the table (new functions
 * are only ever added at its end), so this file names the few slots it calls instead of including the runtime's
 * headers: the positions are those of API version 22 (ONNX Runtime 1.22.1, the one the moonshine-cpp wheel ships),
 * and any later runtime answers version 22 with the same table.
 */
#include "wl_moonshine_runtime.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define WL_ORT_API_VERSION 22

typedef struct OrtStatus OrtStatus;
typedef struct OrtEnv OrtEnv;
typedef struct OrtSession OrtSession;
typedef struct OrtSessionOptions OrtSessionOptions;
typedef struct OrtValue OrtValue;
typedef struct OrtMemoryInfo OrtMemoryInfo;
typedef struct OrtRunOptions OrtRunOptions;

typedef struct {
    const void *const *(*GetApi)(uint32_t version);
    const char *(*GetVersionString)(void);
} wl_ort_api_base;

/* Slots of the OrtApi table (API version 22). */
enum {
    SLOT_GET_ERROR_MESSAGE = 2,
    SLOT_CREATE_ENV = 3,
    SLOT_CREATE_SESSION = 7,
    SLOT_CREATE_SESSION_FROM_ARRAY = 8,
    SLOT_RUN = 9,
    SLOT_CREATE_SESSION_OPTIONS = 10,
    SLOT_DISABLE_CPU_MEM_ARENA = 19,
    SLOT_SET_GRAPH_OPTIMIZATION_LEVEL = 23,
    SLOT_SET_INTRA_OP_THREADS = 24,
    SLOT_SET_INTER_OP_THREADS = 25,
    SLOT_CREATE_TENSOR_WITH_DATA = 49,
    SLOT_GET_TENSOR_MUTABLE_DATA = 51,
    SLOT_GET_DIMENSIONS_COUNT = 61,
    SLOT_GET_DIMENSIONS = 62,
    SLOT_GET_TENSOR_TYPE_AND_SHAPE = 65,
    SLOT_CREATE_CPU_MEMORY_INFO = 69,
    SLOT_RELEASE_ENV = 92,
    SLOT_RELEASE_STATUS = 93,
    SLOT_RELEASE_MEMORY_INFO = 94,
    SLOT_RELEASE_SESSION = 95,
    SLOT_RELEASE_VALUE = 96,
    SLOT_RELEASE_TENSOR_TYPE_AND_SHAPE = 99,
    SLOT_RELEASE_SESSION_OPTIONS = 100,
    SLOT_ADD_SESSION_CONFIG_ENTRY = 130
};

enum { ELEMENT_FLOAT = 1, ELEMENT_INT64 = 7, ELEMENT_BOOL = 9 };
enum { LOG_WARNING = 2, LOG_ERROR = 3 };
enum { DEVICE_ALLOCATOR = 0, MEM_TYPE_DEFAULT = 0 };
enum { OPTIMIZE_ALL = 99 };

typedef const char *(*get_error_message_fn)(const OrtStatus *);
typedef OrtStatus *(*create_env_fn)(int, const char *, OrtEnv **);
typedef OrtStatus *(*create_session_fn)(const OrtEnv *, const char *, const OrtSessionOptions *, OrtSession **);
typedef OrtStatus *(*run_fn)(OrtSession *, const OrtRunOptions *, const char *const *, const OrtValue *const *, size_t,
                             const char *const *, size_t, OrtValue **);
typedef OrtStatus *(*create_session_from_array_fn)(const OrtEnv *, const void *, size_t, const OrtSessionOptions *, OrtSession **);
typedef OrtStatus *(*add_config_entry_fn)(OrtSessionOptions *, const char *, const char *);
typedef OrtStatus *(*create_session_options_fn)(OrtSessionOptions **);
typedef OrtStatus *(*options_fn)(OrtSessionOptions *);
typedef OrtStatus *(*options_int_fn)(OrtSessionOptions *, int);
typedef OrtStatus *(*create_tensor_fn)(const OrtMemoryInfo *, void *, size_t, const int64_t *, size_t, int, OrtValue **);
typedef OrtStatus *(*get_data_fn)(OrtValue *, void **);
typedef OrtStatus *(*get_shape_fn)(const OrtValue *, void **);
typedef OrtStatus *(*get_dimensions_count_fn)(const void *, size_t *);
typedef OrtStatus *(*get_dimensions_fn)(const void *, int64_t *, size_t);
typedef OrtStatus *(*create_cpu_memory_info_fn)(int, int, OrtMemoryInfo **);
typedef void (*release_fn)(void *);

#define CACHE_COUNT (WL_MOONSHINE_LAYERS * 4)

struct wl_moonshine {
    const void *const *api;
    OrtEnv *env;
    OrtMemoryInfo *memory;
    OrtSession *encoder;
    OrtSession *decoder;
    void *mapped[2];              /* the encoder's and the decoder's files, mapped read-only while their sessions live */
    size_t mapped_size[2];
    OrtValue *hidden;            /* the encoder's output for the current audio */
    int64_t frames;
    OrtValue *cache[CACHE_COUNT]; /* per layer: decoder key, decoder value, encoder key, encoder value */
    int64_t fed;                  /* tokens in the decoder's cache */
    char *input_names[2 + CACHE_COUNT + 1];
    char *output_names[1 + CACHE_COUNT];
    float empty;                  /* storage for zero-length tensors */
};

static const char *const cache_parts[4] = {"decoder.key", "decoder.value", "encoder.key", "encoder.value"};

#define API(slot, type) ((type)(moonshine->api[slot]))

static void set_error(char *error, size_t size, const char *format, ...) {
    if (error == NULL || size == 0) return;
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(error, size, format, arguments);
    va_end(arguments);
}

/* Turns a non-NULL status into the error text and frees it; true when there was an error. */
static bool failed(const wl_moonshine *moonshine, OrtStatus *status, const char *what, char *error, size_t size) {
    if (status == NULL) return false;
    set_error(error, size, "%s: %s", what, API(SLOT_GET_ERROR_MESSAGE, get_error_message_fn)(status));
    API(SLOT_RELEASE_STATUS, release_fn)(status);
    return true;
}

static void release_value(wl_moonshine *moonshine, OrtValue **value) {
    if (*value != NULL) API(SLOT_RELEASE_VALUE, release_fn)(*value);
    *value = NULL;
}

static void clear_cache(wl_moonshine *moonshine) {
    for (int i = 0; i < CACHE_COUNT; i++) release_value(moonshine, &moonshine->cache[i]);
    moonshine->fed = 0;
}

static char *copy_name(const char *format, int layer, const char *part) {
    char buffer[64];
    snprintf(buffer, sizeof buffer, format, layer, part);
    return strdup(buffer);
}

/* Maps `path` read-only into `mapped[which]`. */
static int map_file(wl_moonshine *moonshine, const char *path, int which, char *error, size_t size) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) { set_error(error, size, "%s: cannot open", path); return 1; }
    struct stat status;
    if (fstat(fd, &status) != 0 || status.st_size <= 0) { close(fd); set_error(error, size, "%s: empty or unreadable", path); return 1; }
    void *bytes = mmap(NULL, (size_t)status.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (bytes == MAP_FAILED) { set_error(error, size, "%s: cannot map", path); return 1; }
    moonshine->mapped[which] = bytes;
    moonshine->mapped_size[which] = (size_t)status.st_size;
    return 0;
}

/* Opens one model. An ORT-format file is mapped read-only and the session reads its graph and its weights straight
 * from the mapping (no copy on the heap: the pages are the file's, shared and clean); anything else is loaded by
 * path. Weights are not pre-packed: packing copies every float weight of the folded decoder onto the heap (170 MB)
 * for a step that was measured no faster (13 ms either way). */
static int open_session(wl_moonshine *moonshine, const char *path, int which, int threads, int arena, OrtSession **out,
                        char *error, size_t size) {
    size_t length = strlen(path);
    bool ort_format = length > 4 && strcmp(path + length - 4, ".ort") == 0;
    if (ort_format && map_file(moonshine, path, which, error, size) != 0) return 2;
    OrtSessionOptions *options = NULL;
    if (failed(moonshine, API(SLOT_CREATE_SESSION_OPTIONS, create_session_options_fn)(&options), "session options", error, size)) return 1;
    int code = 0;
    if (failed(moonshine, API(SLOT_SET_INTRA_OP_THREADS, options_int_fn)(options, threads), "threads", error, size)
        || failed(moonshine, API(SLOT_SET_INTER_OP_THREADS, options_int_fn)(options, 1), "threads", error, size)
        || failed(moonshine, API(SLOT_SET_GRAPH_OPTIMIZATION_LEVEL, options_int_fn)(options, OPTIMIZE_ALL), "optimisation", error, size)
        || (!arena && failed(moonshine, API(SLOT_DISABLE_CPU_MEM_ARENA, options_fn)(options), "arena", error, size))
        || (ort_format && (failed(moonshine, API(SLOT_ADD_SESSION_CONFIG_ENTRY, add_config_entry_fn)(options, "session.use_ort_model_bytes_directly", "1"),
                                  "session option", error, size)
                           || failed(moonshine, API(SLOT_ADD_SESSION_CONFIG_ENTRY, add_config_entry_fn)(options, "session.use_ort_model_bytes_for_initializers", "1"),
                                     "session option", error, size)
                           || failed(moonshine, API(SLOT_ADD_SESSION_CONFIG_ENTRY, add_config_entry_fn)(options, "session.disable_prepacking", "1"),
                                     "session option", error, size)))) {
        code = 1;
    } else if (ort_format) {
        if (failed(moonshine, API(SLOT_CREATE_SESSION_FROM_ARRAY, create_session_from_array_fn)(moonshine->env, moonshine->mapped[which],
                                                                                               moonshine->mapped_size[which], options, out),
                   path, error, size)) code = 2;
    } else if (failed(moonshine, API(SLOT_CREATE_SESSION, create_session_fn)(moonshine->env, path, options, out), path, error, size)) {
        code = 2;
    }
    API(SLOT_RELEASE_SESSION_OPTIONS, release_fn)(options);
    return code;
}

int wl_moonshine_open(const char *runtime_path, const char *encoder_path, const char *decoder_path, int threads,
                      int arena, wl_moonshine **out, char *error, size_t error_size) {
    *out = NULL;
    void *library = dlopen(runtime_path, RTLD_NOW | RTLD_GLOBAL);
    if (library == NULL) {
        const char *reason = dlerror();
        set_error(error, error_size, "cannot load ONNX Runtime: %s", reason ? reason : "unknown error");
        return 1;
    }
    const wl_ort_api_base *(*get_api_base)(void) = (const wl_ort_api_base *(*)(void))dlsym(library, "OrtGetApiBase");
    if (get_api_base == NULL) {
        set_error(error, error_size, "not ONNX Runtime: no OrtGetApiBase");
        return 1;
    }
    const wl_ort_api_base *base = get_api_base();
    const void *const *api = base ? base->GetApi(WL_ORT_API_VERSION) : NULL;
    if (api == NULL) {
        set_error(error, error_size, "ONNX Runtime %s does not offer API version %d (1.22 or later is needed)",
                  base && base->GetVersionString ? base->GetVersionString() : "?", WL_ORT_API_VERSION);
        return 1;
    }
    wl_moonshine *moonshine = calloc(1, sizeof *moonshine);
    if (moonshine == NULL) {
        set_error(error, error_size, "out of memory");
        return 1;
    }
    moonshine->api = api;
    if (failed(moonshine, API(SLOT_CREATE_ENV, create_env_fn)(LOG_ERROR, "warmline-recognizer", &moonshine->env), "environment", error, error_size)
        || failed(moonshine, API(SLOT_CREATE_CPU_MEMORY_INFO, create_cpu_memory_info_fn)(DEVICE_ALLOCATOR, MEM_TYPE_DEFAULT, &moonshine->memory),
                  "memory info", error, error_size)
        || open_session(moonshine, encoder_path, 0, threads, arena, &moonshine->encoder, error, error_size) != 0
        || open_session(moonshine, decoder_path, 1, threads, arena, &moonshine->decoder, error, error_size) != 0) {
        wl_moonshine_close(moonshine);
        return 2;
    }
    int input = 0;
    moonshine->input_names[input++] = strdup("input_ids");
    moonshine->input_names[input++] = strdup("encoder_hidden_states");
    int output = 0;
    moonshine->output_names[output++] = strdup("logits");
    for (int layer = 0; layer < WL_MOONSHINE_LAYERS; layer++) {
        for (int part = 0; part < 4; part++) {
            moonshine->input_names[input++] = copy_name("past_key_values.%d.%s", layer, cache_parts[part]);
            moonshine->output_names[output++] = copy_name("present.%d.%s", layer, cache_parts[part]);
        }
    }
    moonshine->input_names[input++] = strdup("use_cache_branch");
    for (int i = 0; i < input; i++) {
        if (moonshine->input_names[i] == NULL) { set_error(error, error_size, "out of memory"); wl_moonshine_close(moonshine); return 1; }
    }
    for (int i = 0; i < output; i++) {
        if (moonshine->output_names[i] == NULL) { set_error(error, error_size, "out of memory"); wl_moonshine_close(moonshine); return 1; }
    }
    *out = moonshine;
    return 0;
}

void wl_moonshine_close(wl_moonshine *moonshine) {
    if (moonshine == NULL) return;
    clear_cache(moonshine);
    release_value(moonshine, &moonshine->hidden);
    if (moonshine->decoder) API(SLOT_RELEASE_SESSION, release_fn)(moonshine->decoder);
    if (moonshine->encoder) API(SLOT_RELEASE_SESSION, release_fn)(moonshine->encoder);
    if (moonshine->memory) API(SLOT_RELEASE_MEMORY_INFO, release_fn)(moonshine->memory);
    if (moonshine->env) API(SLOT_RELEASE_ENV, release_fn)(moonshine->env);
    for (int i = 0; i < 2; i++) {
        if (moonshine->mapped[i] != NULL) munmap(moonshine->mapped[i], moonshine->mapped_size[i]);
    }
    for (size_t i = 0; i < sizeof moonshine->input_names / sizeof moonshine->input_names[0]; i++) free(moonshine->input_names[i]);
    for (size_t i = 0; i < sizeof moonshine->output_names / sizeof moonshine->output_names[0]; i++) free(moonshine->output_names[i]);
    free(moonshine);
}

/* The size of dimension `index` of a tensor, or -1. */
static int64_t dimension(wl_moonshine *moonshine, OrtValue *value, size_t index) {
    void *info = NULL;
    if (API(SLOT_GET_TENSOR_TYPE_AND_SHAPE, get_shape_fn)(value, &info) != NULL || info == NULL) return -1;
    size_t count = 0;
    int64_t dimensions[8] = {0};
    int64_t result = -1;
    if (API(SLOT_GET_DIMENSIONS_COUNT, get_dimensions_count_fn)(info, &count) == NULL && count <= 8 && index < count
        && API(SLOT_GET_DIMENSIONS, get_dimensions_fn)(info, dimensions, count) == NULL) {
        result = dimensions[index];
    }
    API(SLOT_RELEASE_TENSOR_TYPE_AND_SHAPE, release_fn)(info);
    return result;
}

int wl_moonshine_encode(wl_moonshine *moonshine, const float *samples, size_t count, int64_t *frames,
                        char *error, size_t error_size) {
    clear_cache(moonshine);
    release_value(moonshine, &moonshine->hidden);
    moonshine->frames = 0;
    int64_t shape[2] = {1, (int64_t)count};
    OrtValue *input = NULL;
    if (failed(moonshine, API(SLOT_CREATE_TENSOR_WITH_DATA, create_tensor_fn)(moonshine->memory, (void *)samples, count * sizeof(float),
                                                                           shape, 2, ELEMENT_FLOAT, &input), "encoder input", error, error_size)) return 1;
    const char *input_names[1] = {"input_values"};
    const char *output_names[1] = {"last_hidden_state"};
    OrtValue *output = NULL;
    OrtStatus *status = API(SLOT_RUN, run_fn)(moonshine->encoder, NULL, input_names, (const OrtValue *const *)&input, 1,
                                              output_names, 1, &output);
    API(SLOT_RELEASE_VALUE, release_fn)(input);
    if (failed(moonshine, status, "encoder", error, error_size)) return 2;
    moonshine->hidden = output;
    moonshine->frames = dimension(moonshine, output, 1);
    if (frames) *frames = moonshine->frames;
    return 0;
}

void wl_moonshine_restart(wl_moonshine *moonshine) { clear_cache(moonshine); }

int wl_moonshine_step(wl_moonshine *moonshine, const int64_t *tokens, size_t count, float *logits,
                      char *error, size_t error_size) {
    if (moonshine->hidden == NULL) { set_error(error, error_size, "decoder step before any audio was encoded"); return 1; }
    if (count == 0) return 0;
    OrtValue *inputs[2 + CACHE_COUNT + 1] = {NULL};
    OrtValue *owned[2 + CACHE_COUNT + 1] = {NULL};
    int owned_count = 0;
    int code = 0;
    int64_t ids_shape[2] = {1, (int64_t)count};
    if (failed(moonshine, API(SLOT_CREATE_TENSOR_WITH_DATA, create_tensor_fn)(moonshine->memory, (void *)tokens, count * sizeof(int64_t),
                                                                           ids_shape, 2, ELEMENT_INT64, &inputs[0]), "token input", error, error_size)) return 1;
    owned[owned_count++] = inputs[0];
    inputs[1] = moonshine->hidden;
    bool cached = moonshine->fed > 0;
    int64_t empty_shape[4] = {1, WL_MOONSHINE_HEADS, 0, WL_MOONSHINE_HEAD_SIZE};
    for (int i = 0; i < CACHE_COUNT; i++) {
        if (cached) {
            inputs[2 + i] = moonshine->cache[i];
        } else {
            if (failed(moonshine, API(SLOT_CREATE_TENSOR_WITH_DATA, create_tensor_fn)(moonshine->memory, &moonshine->empty, 0, empty_shape, 4,
                                                                                   ELEMENT_FLOAT, &inputs[2 + i]), "empty cache", error, error_size)) {
                code = 1;
                goto done;
            }
            owned[owned_count++] = inputs[2 + i];
        }
    }
    bool branch = cached;
    int64_t branch_shape[1] = {1};
    if (failed(moonshine, API(SLOT_CREATE_TENSOR_WITH_DATA, create_tensor_fn)(moonshine->memory, &branch, sizeof branch, branch_shape, 1,
                                                                           ELEMENT_BOOL, &inputs[2 + CACHE_COUNT]), "cache flag", error, error_size)) {
        code = 1;
        goto done;
    }
    owned[owned_count++] = inputs[2 + CACHE_COUNT];
    OrtValue *outputs[1 + CACHE_COUNT] = {NULL};
    if (failed(moonshine, API(SLOT_RUN, run_fn)(moonshine->decoder, NULL, (const char *const *)moonshine->input_names,
                                                (const OrtValue *const *)inputs, 2 + CACHE_COUNT + 1,
                                                (const char *const *)moonshine->output_names, 1 + CACHE_COUNT, outputs),
               "decoder", error, error_size)) {
        code = 2;
        goto done;
    }
    float *data = NULL;
    int64_t rows = dimension(moonshine, outputs[0], 1);
    int64_t width = dimension(moonshine, outputs[0], 2);
    if (API(SLOT_GET_TENSOR_MUTABLE_DATA, get_data_fn)(outputs[0], (void **)&data) != NULL || data == NULL
        || rows != (int64_t)count || width != WL_MOONSHINE_LOGITS) {
        set_error(error, error_size, "decoder answered logits of shape [1, %lld, %lld], expected [1, %zu, %d]",
                  (long long)rows, (long long)width, count, WL_MOONSHINE_LOGITS);
        for (int i = 0; i < 1 + CACHE_COUNT; i++) release_value(moonshine, &outputs[i]);
        code = 3;
        goto done;
    }
    memcpy(logits, data, count * WL_MOONSHINE_LOGITS * sizeof(float));
    release_value(moonshine, &outputs[0]);
    for (int i = 0; i < CACHE_COUNT; i++) {
        bool encoder_part = (i % 4) >= 2;
        if (encoder_part && cached) {
            /* the cross-attention keys and values are computed once per audio, on the first step */
            release_value(moonshine, &outputs[1 + i]);
        } else {
            release_value(moonshine, &moonshine->cache[i]);
            moonshine->cache[i] = outputs[1 + i];
        }
    }
    moonshine->fed += (int64_t)count;
done:
    for (int i = 0; i < owned_count; i++) API(SLOT_RELEASE_VALUE, release_fn)(owned[i]);
    return code;
}
