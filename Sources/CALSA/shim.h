#ifndef WARMLINE_CALSA_SHIM_H
#define WARMLINE_CALSA_SHIM_H
#include <alsa/asoundlib.h>
#endif
