#include "transcriptio.h"
