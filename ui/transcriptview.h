#pragma once

#include <memory>

#include <QAbstractScrollArea>
#include <QColor>
#include <QElapsedTimer>
#include <QStringList>
#include <QTimer>

#include "transcript.h"
#include "transcriptlayout.h"

class Dialogs;
class QAction;
class QLabel;
class QToolButton;

// A read-only, live, virtualized view of one Transcript.
//
// Nothing holds the whole transcript: the view paints only the rows on
// screen, which it asks of a TranscriptLayout (rows computed lazily from
// Transcript::entry()/data()/read(), an index of bounded size; see there).
// Rows are those of the text export (TranscriptText::entryLines): marker
// (">" sent, "<" received, "*" event), escaped text, the time prefix when
// timestamps are shown, a colour per kind. A line longer than
// TranscriptLayout::maxRowBytes bytes continues on further rows marked
// "<…" / ">…". In hex mode (setShowHex) data reads like `hexdump -C`.
//
// Batching: entriesAppended only records that there is more; two timers
// (Konsole-style: a short one restarted by every burst and a longer one that
// guarantees an update during a continuous flood) start a pass, which
// indexes at most maxIndexBytesPerPass bytes of new data. A larger backlog
// continues on the next turn of the event loop (a zero-interval timer that
// appends do not restart), with the "Catching up" label over the bottom
// right corner while behind. Repaints, scroll bar updates and accessibility
// announcements happen at most once per repaintIntervalMs.
//
// Following: while the view is at the bottom it follows the tail. Scrolled
// up, it stays still and a "New data below" button over the bottom edge
// appears when rows arrive; clicking it (or scrolling to the end) follows
// again.
//
// Painting: text is drawn with QPainter as plain text, left to right, on a
// grid of the fixed font's character cells (a character wider than a cell
// overlaps the next one); no rich text, no control characters ever reach
// the screen (TranscriptText escapes them). Wrap Lines wraps each row at the
// viewport width; the vertical scroll bar then still counts rows.
//
// Selection: mouse drag, Shift+click, Shift+arrows/Page/Home/End, Select All.
// Positions are (row, column) of the current mode's rows; switching modes or
// timestamps clears the selection. byteAt() maps a position to the byte it
// shows (the Find bar starts there).
//
// Copy puts the selected text on the clipboard, any amount of it: the rows'
// texts as shown (time prefix included when shown) joined with "\n", a cut
// long line joined again. A selection of at most syncCopyChars characters
// (estimated from its bytes, see estimatedSelectionChars()) is copied at
// once. A larger one is built on this thread in slices of about copySliceMs
// (the layout is not thread-safe), between which events are handled, and
// the clipboard is set once at the end: copyStarted(), copyProgress() and
// copyFinished() let the window show progress with a Cancel button
// (CopyStatus); cancelCopy() or Esc in the view stops it and leaves the
// clipboard as it was. Above copyConfirmChars() characters (2 bytes each in
// memory) it asks first through Dialogs::confirm(), default No. Whatever
// changes what the selection means (another selection, mode, timestamps or
// transcript) cancels a running copy; rows appended meanwhile do not matter
// (rows only grow at the end). The outcome ("Copied N characters", "Copy
// cancelled") is sent as message().
//
// Accessibility: the view's QAccessibleTextInterface (int offsets) exposes a
// window of rows around the visible ones (accessibleWindowRows before and
// after), joined with "\n", which moves as the view scrolls; appended rows
// are announced as QAccessibleTextInsertEvent at the repaint rate, not per
// chunk. See docs/transcript-view.md.
class TranscriptView : public QAbstractScrollArea
{
    Q_OBJECT
public:
    static constexpr int shortDelayMs = 16; // restarted by each burst
    static constexpr int longDelayMs = 50;  // upper bound while data keeps coming
    static constexpr int repaintIntervalMs = 16;
    static constexpr qint64 maxIndexBytesPerPass = 8 * 1024 * 1024;
    static constexpr qint64 syncCopyChars = 1024 * 1024;              // copied at once up to this estimate
    static constexpr int copySliceMs = 8;                              // one slice of a larger copy
    static constexpr qint64 defaultCopyConfirmChars = 64 * 1024 * 1024; // asks above this estimate
    static constexpr int accessibleWindowRows = 100;

    struct TextPosition {
        qint64 row = 0;
        qsizetype column = 0;
        friend bool operator==(const TextPosition &a, const TextPosition &b)
        {
            return a.row == b.row && a.column == b.column;
        }
        friend bool operator<(const TextPosition &a, const TextPosition &b)
        {
            return a.row < b.row || (a.row == b.row && a.column < b.column);
        }
    };

    explicit TranscriptView(QWidget *parent = nullptr);
    ~TranscriptView() override;

    // Shows `transcript` (may be null: empty view). Indexes its existing
    // entries batched, like new ones.
    void setTranscript(std::shared_ptr<Transcript> transcript);
    std::shared_ptr<Transcript> transcript() const { return m_transcript; }

    // The time before each line, as the text export writes it:
    // "[+0.013s 2026-11-25T17:04:32.136Z] ".
    void setShowTimestamps(bool show);
    bool showTimestamps() const { return m_showTimestamps; }
    void setWrapLines(bool wrap); // off by default
    bool wrapLines() const { return m_wrap; }
    // Hex rows instead of text; keeps the entry at the top in view.
    void setShowHex(bool hex);
    bool showHex() const { return m_mode == TranscriptLayout::Mode::Hex; }

    bool isReadOnly() const { return true; } // nothing typed changes it

    void setPlaceholderText(const QString &text);
    QString placeholderText() const { return m_placeholder; }

    QAction *copyAction() const { return m_copyAction; }           // enabled while text is selected
    QAction *selectAllAction() const { return m_selectAllAction; }
    QAction *timestampsAction() const { return m_timestampsAction; } // checkable
    QAction *wrapAction() const { return m_wrapAction; }             // checkable
    QAction *hexAction() const { return m_hexAction; }               // checkable, "Show as Hex"

    // Scrolls to and selects `length` bytes of `direction`'s stream starting
    // at `offset` (a search match). If those bytes are in the transcript but
    // not indexed yet (the view is catching up), it is done as soon as they
    // are, and the view stops following the tail meanwhile. False if the
    // transcript does not hold them.
    bool showMatch(Transcript::Direction direction, qint64 offset, qint64 length);

    // Indexes every pending entry now and updates the scroll bars (tests).
    void flush();
    bool hasPending() const;
    int renderCount() const { return m_renderCount; } // passes so far
    // Announcements of appended text so far (counted whether or not
    // assistive technology is active; sent only when it is).
    int announcementCount() const { return m_announcements; }
    qint64 renderedEntries() const { return m_layout.indexedEntries(); }
    QLabel *backlogIndicator() const { return m_backlogLabel; }
    QToolButton *newDataIndicator() const { return m_newDataButton; }
    const TranscriptLayout &layout() const { return m_layout; }

    // The rows of the current mode, as shown (with the time prefix when
    // shown). allText() joins all of them with "\n": for small transcripts.
    qint64 rowCount() const { return m_layout.rowCount(m_mode); }
    QStringList rowTexts(qint64 first, qint64 count) const;
    QString allText() const;
    // The rows drawn by the last paint, whole (tests check what reaches the screen).
    QStringList paintedRows() const { return m_paintedRows; }
    qint64 firstVisibleRow() const { return m_top; }
    QColor rowColor(qint64 row) const; // the colour of a row's text after its time
    bool isFollowingTail() const { return m_follow; }
    void scrollToRow(qint64 row);
    void scrollToEnd(); // and follow the tail

    // Selection.
    bool hasSelection() const { return m_hasSelection && !(m_anchor == m_cursor); }
    TextPosition selectionStart() const { return std::min(m_anchor, m_cursor); }
    TextPosition selectionEnd() const { return std::max(m_anchor, m_cursor); }
    void setSelection(TextPosition anchor, TextPosition cursor);
    void clearSelection();
    void selectAll();
    // Whether a position was clicked or selected (also an empty selection, a
    // caret: hasSelection() is false then); false after clearSelection().
    bool hasCaret() const { return m_hasSelection; }
    // The byte `position` shows (TranscriptLayout::byteAt() in the current mode).
    bool byteAt(TextPosition position, Transcript::Direction *direction, qint64 *offset) const;
    // The whole selected text, built now (see copy() for large selections).
    QString selectedText() const;
    // About how many characters the selection's text has, from its byte
    // range and row count (cheap: no pass over the data). 0 without selection.
    qint64 estimatedSelectionChars() const;

    // Copy (see above). Nothing happens while a copy of the same selection runs.
    void copy();
    void cancelCopy(); // clipboard left as it was; no-op if none runs
    bool isCopying() const { return m_copyJob.active; }
    // Where big copies are confirmed (may be null: never asked). Not owned.
    void setDialogs(Dialogs *dialogs) { m_dialogs = dialogs; }
    void setCopyConfirmChars(qint64 chars) { m_copyConfirmChars = chars; }
    qint64 copyConfirmChars() const { return m_copyConfirmChars; }

    // The accessibility window (see above): its first row and its text.
    qint64 accessibleWindowFirstRow() const;
    QString accessibleWindowText() const;
    // Window offset <-> position; offsets past the window clamp to it.
    TextPosition accessiblePosition(int offset) const;
    int accessibleOffset(TextPosition position) const; // -1 outside the window
    QRect cellRect(TextPosition position) const; // in viewport coordinates; empty if not shown
    TextPosition positionAt(const QPoint &viewportPoint) const;

Q_SIGNALS:
    // After each indexing pass.
    void rendered();
    // A message for the window's status bar (a copy's outcome).
    void message(const QString &text);
    void selectionChanged();
    // A copy in slices started (not for one copied at once); its progress in
    // rows after each slice; its end (copied: the clipboard was set).
    void copyStarted();
    void copyProgress(qint64 doneRows, qint64 totalRows);
    void copyFinished(bool copied);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void changeEvent(QEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;

private:
    struct Painted { // one row as painted
        qint64 row;
        int y;
        int lines;
        qsizetype length;
    };
    QColor rowColor(const TranscriptLayout::Row &row) const;
    void onEntriesAppended();
    void renderPending();
    void stopTimers();
    void refresh(); // scroll bars, follow, repaint, announce
    void scheduleRefresh();
    void updateScrollBars();
    void updateColors();
    void updateBacklogIndicator();
    void updateNewDataIndicator();
    void placeIndicators();
    void setTop(qint64 row);
    qint64 maxTop() const;
    int visibleRows() const; // whole rows that fit
    int wrapColumns() const;
    int rowHeightLines(const QString &text) const;
    qreal cellWidth() const;
    void moveCursorBy(qint64 rows, qsizetype columns, bool extend);
    void ensureVisible(qint64 row);
    void announceAppended(qint64 oldRows);
    void invalidateAccessibleWindow();
    void resetView();
    bool selectMatch(Transcript::Direction direction, qint64 offset, qint64 length);
    // Appends the selected part of up to `count` rows from `first` to `out`
    // (start..end: the selection); returns the rows read.
    qint64 appendSelectedRows(QString &out, qint64 first, qint64 count, TextPosition start, TextPosition end) const;
    void continueCopy();
    void stopCopy(bool copied);

    std::shared_ptr<Transcript> m_transcript;
    QMetaObject::Connection m_appendedConnection;
    TranscriptLayout m_layout;
    TranscriptLayout::Mode m_mode = TranscriptLayout::Mode::Text;
    bool m_showTimestamps = false;
    bool m_wrap = false;
    bool m_follow = true;
    bool m_newRowsBelow = false;
    bool m_settingBars = false;
    qint64 m_top = 0;
    qint64 m_scale = 1; // rows per vertical scroll bar step (1 unless rows exceed an int)
    qint64 m_announcedRows = 0;
    int m_maxColumns = 0;
    int m_renderCount = 0;
    int m_announcements = 0;
    QString m_placeholder;
    QStringList m_paintedRows;
    QList<Painted> m_painted;

    struct PendingMatch {
        bool active = false;
        Transcript::Direction direction = Transcript::Direction::Received;
        qint64 offset = 0;
        qint64 length = 0;
    } m_pendingMatch;

    struct CopyJob {
        bool active = false;
        TextPosition start;
        TextPosition end;
        qint64 next = 0; // the next row to read
        QString text;
    } m_copyJob;
    QTimer m_copyTimer;
    Dialogs *m_dialogs = nullptr;
    qint64 m_copyConfirmChars = defaultCopyConfirmChars;

    bool m_hasSelection = false;
    bool m_selecting = false;
    TextPosition m_anchor;
    TextPosition m_cursor;

    mutable qint64 m_windowFirst = -1; // accessibility window cache
    mutable QString m_windowText;
    mutable QList<int> m_windowStarts;

    QTimer m_shortTimer;
    QTimer m_longTimer;
    QTimer m_backlogTimer;
    QTimer m_refreshTimer;
    QElapsedTimer m_sinceRefresh;

    QLabel *m_backlogLabel = nullptr;
    QToolButton *m_newDataButton = nullptr;
    QAction *m_copyAction = nullptr;
    QAction *m_selectAllAction = nullptr;
    QAction *m_timestampsAction = nullptr;
    QAction *m_wrapAction = nullptr;
    QAction *m_hexAction = nullptr;

    QColor m_sentColor;
    QColor m_receivedColor;
    QColor m_eventColor;
    QColor m_errorColor;
    QColor m_timeColor;
};
