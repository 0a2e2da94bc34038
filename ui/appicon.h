#pragma once

#include <QIcon>

// The application icon from the resources: the SVG when an SVG reader is
// installed, plus the PNG renderings at 16, 32, 48, 64, 128 and 256 pixels,
// so it is sharp at any scale even without the SVG plugin.
QIcon appIcon();
