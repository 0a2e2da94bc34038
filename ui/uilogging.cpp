#include "uilogging.h"

Q_LOGGING_CATEGORY(lcUi, "socketeer.ui", QtWarningMsg)
