#include "requestcodec.h"
