#pragma once

#include <QObject>

class QStatusBar;
class StatusProgress;
class TranscriptView;

// A window's view of TranscriptView's copy in slices, in its status bar: a
// progress bar (accessible name "Copy progress") and a Cancel button
// ("Cancel Copy"), shown only while such a copy runs. The outcome is the
// view's message(), which the window shows.
class CopyStatus : public QObject
{
    Q_OBJECT
public:
    CopyStatus(TranscriptView *view, QStatusBar *statusBar, QObject *parent = nullptr);

    StatusProgress *progress() const { return m_progress; }

private:
    StatusProgress *m_progress;
};
