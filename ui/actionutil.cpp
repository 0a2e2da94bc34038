#include "actionutil.h"

#include <QAction>
#include <QApplication>
#include <QIcon>

QAction *makeAction(QObject *parent, const QString &text, const QString &toolTip, const QString &themeIcon,
                    QStyle::StandardPixmap fallback)
{
    auto *action = new QAction(text, parent);
    if (!themeIcon.isEmpty())
        action->setIcon(QIcon::fromTheme(themeIcon, QApplication::style()->standardIcon(fallback)));
    action->setToolTip(toolTip);
    return action;
}

void setShortcuts(QAction *action, const QList<QKeySequence> &keys, const QString &toolTip)
{
    action->setShortcuts(keys);
    action->setToolTip(withShortcut(toolTip, keys.value(0)));
}

QString withShortcut(const QString &toolTip, const QKeySequence &key)
{
    if (key.isEmpty())
        return toolTip;
    return QCoreApplication::translate("Shortcuts", "%1 (%2)").arg(toolTip, key.toString(QKeySequence::NativeText));
}
