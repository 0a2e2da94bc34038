#pragma once

#include <QObject>
#include <QPointer>
#include <QProgressBar>
#include <QToolButton>

class QStatusBar;

// A long task's progress bar and Cancel button in a window's status bar,
// leftmost of the permanent widgets (a status message does not hide them),
// shown only between start() and finish(). The owner names them (object and
// accessible names, tooltips) and connects the button. SaveStatus and
// CopyStatus each have one.
class StatusProgress : public QObject
{
    Q_OBJECT
public:
    explicit StatusProgress(QStatusBar *statusBar, QObject *parent = nullptr);

    QProgressBar *progressBar() const { return m_progress; }
    QToolButton *cancelButton() const { return m_cancel; }

    void start(); // at 0, shown
    void setProgress(qint64 done, qint64 total);
    void finish(); // hidden

private:
    // The status bar owns them; it may go first when the window closes.
    QPointer<QProgressBar> m_progress;
    QPointer<QToolButton> m_cancel;
};
