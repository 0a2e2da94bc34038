#pragma once

#include <memory>

#include <QElapsedTimer>
#include <QPlainTextEdit>
#include <QTextCharFormat>
#include <QTimer>

#include "transcript.h"

class QAction;
class QLabel;

// A read-only, live view of one Transcript.
//
// Rendering is batched: entriesAppended only records that there is more to
// show and arms two timers (Konsole-style: a short one restarted by every
// burst, and a longer one that guarantees an update during a continuous
// flood). When either fires, everything pending is rendered in one
// QTextCursor edit block, at most every frame (~16 ms). One pass renders at
// most maxCharsPerPass characters; the rest continues on the next turn of
// the event loop (a zero-interval timer that appends do not restart), so a
// huge backlog never freezes the event loop, drains even during a flood,
// and is rendered at most once per turn.
//
// Each line carries the marker of TranscriptText (">" sent, "<" received,
// "*" event) and a colour per kind, so it reads in colour and in monochrome.
// Lines are exactly those of the text export (TranscriptIO::Format::Text)
// without its header line: with timestamps shown, character for character;
// without, the same lines minus the leading "[times] ". The view follows the
// tail while scrolled to the bottom and stays still when the reader scrolled
// up.
//
// While a pass ends with entries still to render (the view is behind the
// data), a small label over the view's bottom right corner says so:
// "Catching up: showing N of M entries…". It is hidden again by the pass
// that renders the last pending entry, and by setTranscript().
//
// Lines are not wrapped unless setWrapLines(true): wrapping makes a large
// transcript many times slower to lay out.
//
// The view provides its own actions for the windows' menus (Copy, Select
// All, Show Timestamps, Wrap Lines); the checkable ones stay in step with
// setShowTimestamps() and setWrapLines().
class TranscriptView : public QPlainTextEdit
{
    Q_OBJECT
public:
    static constexpr int shortDelayMs = 16; // restarted by each burst
    static constexpr int longDelayMs = 50;  // upper bound while data keeps coming
    static constexpr int maxCharsPerPass = 256 * 1024;

    explicit TranscriptView(QWidget *parent = nullptr);
    ~TranscriptView() override;

    // Shows `transcript` (may be null: empty view). Renders its existing
    // entries batched, like new ones.
    void setTranscript(std::shared_ptr<Transcript> transcript);
    std::shared_ptr<Transcript> transcript() const { return m_transcript; }

    // Re-renders everything with or without the times before each line, as
    // the text export writes them: "[+0.013s 2026-11-25T17:04:32.136Z] ".
    void setShowTimestamps(bool show);
    bool showTimestamps() const { return m_showTimestamps; }
    void setWrapLines(bool wrap); // off by default
    bool wrapLines() const;

    QAction *copyAction() const { return m_copyAction; }           // enabled while text is selected
    QAction *selectAllAction() const { return m_selectAllAction; }
    QAction *timestampsAction() const { return m_timestampsAction; } // checkable
    QAction *wrapAction() const { return m_wrapAction; }             // checkable

    // Scrolls to and selects `length` bytes of `direction`'s stream starting
    // at `offset` (a search match). False if that range is not shown.
    bool showMatch(Transcript::Direction direction, qint64 offset, qint64 length);

    // Renders every pending entry now (tests; before reading text()).
    void flush();
    bool hasPending() const;
    // Number of render passes so far (tests check the batching with it).
    int renderCount() const { return m_renderCount; }
    // Entries rendered so far from the current transcript.
    qint64 renderedEntries() const { return m_renderedEntries; }
    // The "Catching up" label; visible only while behind (see above).
    QLabel *backlogIndicator() const { return m_backlogLabel; }

Q_SIGNALS:
    // After each render pass.
    void rendered();

protected:
    void changeEvent(QEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void onEntriesAppended();
    void renderPending();
    void rerenderAll();
    void updateFormats();
    void updateBacklogIndicator();
    void placeBacklogIndicator();

    std::shared_ptr<Transcript> m_transcript;
    QMetaObject::Connection m_appendedConnection;
    qint64 m_renderedEntries = 0;
    bool m_showTimestamps = false;
    int m_renderCount = 0;

    void stopTimers();

    QTimer m_shortTimer;
    QTimer m_longTimer;
    QTimer m_backlogTimer; // continues a capped pass; appends leave it alone

    QLabel *m_backlogLabel = nullptr;
    QAction *m_copyAction = nullptr;
    QAction *m_selectAllAction = nullptr;
    QAction *m_timestampsAction = nullptr;
    QAction *m_wrapAction = nullptr;

    QTextCharFormat m_sentFormat;
    QTextCharFormat m_receivedFormat;
    QTextCharFormat m_eventFormat;
    QTextCharFormat m_errorFormat; // events that report a failure
    QTextCharFormat m_timeFormat;
};
