#include "appicon.h"

#include <QImageReader>

QIcon appIcon()
{
    QIcon icon;
    // Added first so that the SVG icon engine (if any) holds the PNGs too.
    if (QImageReader::supportedImageFormats().contains("svg"))
        icon.addFile(QStringLiteral(":/icons/socketeer.svg"));
    for (int size : {16, 32, 48, 64, 128, 256})
        icon.addFile(QStringLiteral(":/icons/socketeer-%1.png").arg(size), QSize(size, size));
    return icon;
}
