#include "statusfield.h"

#include <QFrame>
#include <QLabel>
#include <QStatusBar>

QLabel *addStatusField(QStatusBar *bar, const QString &objectName, const QString &toolTip, bool separatorBefore)
{
    if (separatorBefore) {
        auto *line = new QFrame(bar);
        line->setObjectName(objectName + QStringLiteral("Separator"));
        line->setFrameShape(QFrame::VLine);
        line->setFrameShadow(QFrame::Sunken);
        bar->addPermanentWidget(line);
    }
    auto *label = new QLabel(bar);
    label->setObjectName(objectName);
    label->setToolTip(toolTip);
    label->setTextFormat(Qt::PlainText);
    bar->addPermanentWidget(label);
    return label;
}
