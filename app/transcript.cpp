#include "transcript.h"
