#pragma once

#include <QFont>

// The platform's fixed-pitch font, or a monospace family when the platform
// theme offers none (the offscreen platform, minimal desktops).
QFont fixedFont();
