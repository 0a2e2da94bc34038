#pragma once

#include <QList>
#include <QKeySequence>
#include <QString>
#include <QStyle>

class QAction;
class QObject;

// An action with `text` and `toolTip`; with a theme icon when `themeIcon`
// is given, falling back to the style's `fallback` icon where the theme has
// none.
QAction *makeAction(QObject *parent, const QString &text, const QString &toolTip,
                    const QString &themeIcon = QString(), QStyle::StandardPixmap fallback = QStyle::SP_FileIcon);

// Gives `action` its shortcuts and the tooltip `toolTip` followed by the
// first shortcut as the platform writes it, e.g. "Close the connection
// (Shift+F5)". The one place a shortcut is spelled out for people.
void setShortcuts(QAction *action, const QList<QKeySequence> &keys, const QString &toolTip);

// "toolTip (Ctrl+Return)", or toolTip alone when `key` is empty.
QString withShortcut(const QString &toolTip, const QKeySequence &key);
