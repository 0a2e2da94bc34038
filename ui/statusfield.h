#pragma once

#include <QString>

class QLabel;
class QStatusBar;

// A plain-text field at the right of a window's status bar, with its tooltip,
// after a vertical separator (named objectName + "Separator") unless
// separatorBefore is false. The status bar owns both.
QLabel *addStatusField(QStatusBar *bar, const QString &objectName, const QString &toolTip,
                       bool separatorBefore = true);
