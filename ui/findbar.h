#pragma once

#include <memory>

#include <QWidget>

#include "transcriptsearch.h"

class QAction;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QToolButton;
class Transcript;
class TranscriptView;

// The Find bar under a TranscriptView: a pattern (text with the request
// field's escapes, or hex bytes; see SearchPattern), Text/Hex, which
// direction (sent and received, sent only, received only), Match case,
// Previous and Next, and while a long search runs a progress bar with
// Cancel.
//
// Hidden until findAction() (Ctrl+F, QKeySequence::Find) shows it with the
// focus in the pattern field. Enter and findNextAction() (F3,
// QKeySequence::FindNext) find the next match, Shift+Enter and
// findPreviousAction() (Shift+F3) the previous one; Escape cancels any
// search, hides the bar and gives the focus back to the view. The window
// puts the three actions in its Edit menu; they work with the bar hidden
// (it opens).
//
// Each search runs on a snapshot of the view's transcript taken when it
// starts (TranscriptSearch), so a live transcript keeps growing meanwhile.
// It starts after the current match (or the range given with
// setCurrentRange()) and wraps around, saying so. If the person clicked or
// selected in the view since (TranscriptView::selectionChanged() not caused
// by a match shown), it starts from there instead, like an editor: Next
// finds the first match after the selection's first byte (at or after a
// click's byte), Previous the last one before it
// (TranscriptView::byteAt()). A found match is shown
// with TranscriptView::showMatch() (the only place that calls it), then
// matchFound() is emitted. The result is written in the bar ("Received,
// offset 1,234", "Not found", a pattern's error) and its accessible name;
// a wrap or a bad pattern is also sent as statusMessage() for the window's
// status bar.
class FindBar : public QWidget
{
    Q_OBJECT
public:
    explicit FindBar(TranscriptView *view, QWidget *parent = nullptr);
    ~FindBar() override;

    QAction *findAction() const { return m_findAction; }
    QAction *findNextAction() const { return m_nextAction; }
    QAction *findPreviousAction() const { return m_previousAction; }

    // Shows the bar, focus in the pattern field with its text selected.
    void activate();
    // Cancels any search, hides the bar, focus back to the view.
    void dismiss();
    void findNext();
    void findPrevious();

    // Where the next search starts (e.g. the view's selection); forgotten
    // when the view shows another transcript. An invalid range: from the top
    // (next) or the bottom (previous).
    void setCurrentRange(const TranscriptSearch::Match &range);
    TranscriptSearch::Match currentRange() const { return m_current; }

    // The result line as shown ("Not found", "Received, offset 1,234", ...).
    QString resultText() const;
    bool isSearching() const;

    QLineEdit *patternEdit() const { return m_pattern; }
    QComboBox *syntaxBox() const { return m_syntax; }
    QComboBox *scopeBox() const { return m_scope; }
    QCheckBox *matchCaseBox() const { return m_matchCase; }
    QProgressBar *progressBar() const { return m_progress; }
    QToolButton *cancelButton() const { return m_cancel; }
    TranscriptSearch *search() const { return m_search; }

Q_SIGNALS:
    // After the view was asked to show the match.
    void matchFound(Transcript::Direction direction, qint64 offset, qint64 length);
    // For the window's status bar.
    void statusMessage(const QString &text, int timeoutMs);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void find(bool backward);
    void onFinished(const TranscriptSearch::Result &result);
    void onProgress(qint64 scanned, qint64 total);
    void setResult(const QString &text, bool isError);
    void updateSyntax();
    void updateErrorColour();
    void stopProgress();
    void onViewSelectionChanged();
    void startFromViewSelection();

    TranscriptView *m_view;
    TranscriptSearch *m_search;
    std::weak_ptr<Transcript> m_searched; // the transcript m_current belongs to
    TranscriptSearch::Match m_current;
    bool m_backward = false;
    bool m_selectionMoved = false; // the person selected in the view since the last match
    bool m_showingMatch = false;
    bool m_resultIsError = false;

    QAction *m_findAction = nullptr;
    QAction *m_nextAction = nullptr;
    QAction *m_previousAction = nullptr;
    QLineEdit *m_pattern = nullptr;
    QComboBox *m_syntax = nullptr;
    QComboBox *m_scope = nullptr;
    QCheckBox *m_matchCase = nullptr;
    QToolButton *m_previousButton = nullptr;
    QToolButton *m_nextButton = nullptr;
    QProgressBar *m_progress = nullptr;
    QToolButton *m_cancel = nullptr;
    QToolButton *m_close = nullptr;
    QLabel *m_result = nullptr;
};
