#include "transcriptview.h"

#include <QAction>
#include <QEvent>
#include <QLabel>
#include <QLocale>
#include <QScrollBar>
#include <QTextBlock>
#include <QTextCursor>

#include "actionutil.h"
#include "fixedfont.h"
#include "transcripttext.h"

TranscriptView::TranscriptView(QWidget *parent)
    : QPlainTextEdit(parent)
{
    setObjectName(QStringLiteral("transcriptView"));
    setAccessibleName(tr("Transcript"));
    setAccessibleDescription(tr("What was sent (marked >), received (marked <) and what happened "
                                "(marked *), escaped so that any byte is visible"));
    setToolTip(tr("The conversation: > sent, < received, * events"));
    setPlaceholderText(tr("Connect to a host to see the conversation here."));
    setReadOnly(true);
    setUndoRedoEnabled(false);
    setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    setTabChangesFocus(true);
    setFont(fixedFont());
    setWordWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    setLineWrapMode(QPlainTextEdit::NoWrap);

    // Over the viewport, not in the document: it never scrolls or selects.
    m_backlogLabel = new QLabel(viewport());
    m_backlogLabel->setObjectName(QStringLiteral("backlogIndicator"));
    m_backlogLabel->setTextFormat(Qt::PlainText);
    m_backlogLabel->setAutoFillBackground(true);
    m_backlogLabel->setBackgroundRole(QPalette::ToolTipBase);
    m_backlogLabel->setForegroundRole(QPalette::ToolTipText);
    m_backlogLabel->setMargin(fontMetrics().height() / 4);
    m_backlogLabel->setFrameShape(QFrame::StyledPanel);
    m_backlogLabel->setToolTip(tr("The view is still drawing data that has already arrived"));
    m_backlogLabel->hide();

    m_shortTimer.setSingleShot(true);
    m_shortTimer.setInterval(shortDelayMs);
    m_longTimer.setSingleShot(true);
    m_longTimer.setInterval(longDelayMs);
    m_backlogTimer.setSingleShot(true);
    m_backlogTimer.setInterval(0);
    connect(&m_shortTimer, &QTimer::timeout, this, &TranscriptView::renderPending);
    connect(&m_longTimer, &QTimer::timeout, this, &TranscriptView::renderPending);
    connect(&m_backlogTimer, &QTimer::timeout, this, &TranscriptView::renderPending);

    m_copyAction = makeAction(this, tr("&Copy"), tr("Copy the selected transcript text"),
                              QStringLiteral("edit-copy"), QStyle::SP_FileIcon);
    m_copyAction->setShortcut(QKeySequence::Copy);
    m_copyAction->setEnabled(false);
    connect(m_copyAction, &QAction::triggered, this, &QPlainTextEdit::copy);
    connect(this, &QPlainTextEdit::copyAvailable, m_copyAction, &QAction::setEnabled);
    m_selectAllAction = makeAction(this, tr("Select &All"), tr("Select the whole transcript"),
                                   QStringLiteral("edit-select-all"), QStyle::SP_FileIcon);
    m_selectAllAction->setShortcut(QKeySequence::SelectAll);
    connect(m_selectAllAction, &QAction::triggered, this, &QPlainTextEdit::selectAll);
    m_timestampsAction = makeAction(this, tr("Show &Timestamps"),
                                    tr("Show the time of each line since the connection started"));
    m_timestampsAction->setCheckable(true);
    connect(m_timestampsAction, &QAction::toggled, this, &TranscriptView::setShowTimestamps);
    m_wrapAction = makeAction(this, tr("&Wrap Lines"), tr("Wrap long transcript lines at the window edge"));
    m_wrapAction->setCheckable(true);
    m_wrapAction->setChecked(wrapLines());
    connect(m_wrapAction, &QAction::toggled, this, &TranscriptView::setWrapLines);

    updateFormats();
}

TranscriptView::~TranscriptView() = default;

void TranscriptView::setTranscript(std::shared_ptr<Transcript> transcript)
{
    disconnect(m_appendedConnection);
    stopTimers();
    m_transcript = std::move(transcript);
    m_renderedEntries = 0;
    clear();
    updateBacklogIndicator();
    if (!m_transcript)
        return;
    m_appendedConnection = connect(m_transcript.get(), &Transcript::entriesAppended, this,
                                   &TranscriptView::onEntriesAppended);
    if (!m_transcript->isEmpty())
        onEntriesAppended();
}

void TranscriptView::setShowTimestamps(bool show)
{
    if (show == m_showTimestamps)
        return;
    m_showTimestamps = show;
    m_timestampsAction->setChecked(show);
    rerenderAll();
}

void TranscriptView::setWrapLines(bool wrap)
{
    setLineWrapMode(wrap ? QPlainTextEdit::WidgetWidth : QPlainTextEdit::NoWrap);
    m_wrapAction->setChecked(wrap);
}

bool TranscriptView::wrapLines() const
{
    return lineWrapMode() != QPlainTextEdit::NoWrap;
}

void TranscriptView::flush()
{
    while (hasPending())
        renderPending();
}

bool TranscriptView::hasPending() const
{
    return m_transcript && m_renderedEntries < m_transcript->entryCount();
}

void TranscriptView::onEntriesAppended()
{
    // Only note that there is more: the timers decide when to draw. A
    // backlog in progress takes the new entries along.
    if (m_backlogTimer.isActive())
        return;
    m_shortTimer.start();
    if (!m_longTimer.isActive())
        m_longTimer.start();
}

void TranscriptView::stopTimers()
{
    m_shortTimer.stop();
    m_longTimer.stop();
    m_backlogTimer.stop();
}

void TranscriptView::renderPending()
{
    stopTimers();
    if (!hasPending())
        return;

    QScrollBar *bar = verticalScrollBar();
    const bool followTail = bar->value() >= bar->maximum();
    const int horizontal = horizontalScrollBar()->value();

    QTextCursor cursor(document());
    cursor.movePosition(QTextCursor::End);
    cursor.beginEditBlock();
    bool firstLine = document()->isEmpty();
    qint64 chars = 0;
    const qint64 total = m_transcript->entryCount();
    while (m_renderedEntries < total && chars < maxCharsPerPass) {
        const qint64 index = m_renderedEntries++;
        const Transcript::Entry entry = m_transcript->entry(index);
        const bool isData = entry.kind == Transcript::Kind::Data;
        const QTextCharFormat &format = !isData ? (entry.event == TranscriptEvent::error() ? m_errorFormat : m_eventFormat)
            : entry.direction == Transcript::Direction::Sent ? m_sentFormat
                                                             : m_receivedFormat;
        const QStringList lines =
            TranscriptText::entryLines(entry, isData ? m_transcript->data(index) : QByteArray(), m_showTimestamps);
        const qsizetype timeLength = m_showTimestamps ? TranscriptText::timePrefix(entry).size() : 0;
        for (const QString &line : lines) {
            if (!firstLine)
                cursor.insertBlock();
            firstLine = false;
            if (timeLength > 0) {
                cursor.insertText(line.left(timeLength), m_timeFormat);
                cursor.insertText(line.mid(timeLength), format);
            } else {
                cursor.insertText(line, format);
            }
            chars += line.size();
        }
    }
    cursor.endEditBlock();
    ++m_renderCount;

    if (followTail)
        bar->setValue(bar->maximum());
    horizontalScrollBar()->setValue(horizontal);
    if (hasPending())
        m_backlogTimer.start(); // the rest on the next turn, after events are handled
    updateBacklogIndicator();
    Q_EMIT rendered();
}

void TranscriptView::rerenderAll()
{
    stopTimers();
    m_renderedEntries = 0;
    clear();
    renderPending();
}

void TranscriptView::updateBacklogIndicator()
{
    // Only a pass that left entries behind shows it: between the short
    // timers of ordinary batching the view is not "behind".
    if (!hasPending() || !m_backlogTimer.isActive()) {
        if (!m_backlogLabel->isHidden()) {
            m_backlogLabel->hide();
            m_backlogLabel->setAccessibleName(QString());
        }
        return;
    }
    const QLocale locale;
    const qint64 total = m_transcript->entryCount();
    const QString text = tr("Catching up: showing %1 of %2 entries\u2026")
                             .arg(locale.toString(m_renderedEntries), locale.toString(total));
    m_backlogLabel->setText(text);
    m_backlogLabel->setAccessibleName(text);
    m_backlogLabel->adjustSize();
    placeBacklogIndicator();
    m_backlogLabel->show();
}

void TranscriptView::placeBacklogIndicator()
{
    const int margin = fontMetrics().height() / 2;
    const QRect area = viewport()->rect();
    m_backlogLabel->move(area.right() + 1 - margin - m_backlogLabel->width(),
                         area.bottom() + 1 - margin - m_backlogLabel->height());
}

void TranscriptView::resizeEvent(QResizeEvent *event)
{
    QPlainTextEdit::resizeEvent(event);
    placeBacklogIndicator();
}

void TranscriptView::updateFormats()
{
    // The icon's colours (orange out, green in), darker on light backgrounds
    // for contrast (at least 4.5:1 either way).
    const bool dark = palette().color(QPalette::Base).lightnessF() < 0.5f;
    m_sentFormat = QTextCharFormat();
    m_sentFormat.setForeground(dark ? QColor(0xf6, 0xad, 0x55) : QColor(0x9a, 0x4d, 0x00));
    m_receivedFormat = QTextCharFormat();
    m_receivedFormat.setForeground(dark ? QColor(0x68, 0xd3, 0x91) : QColor(0x1d, 0x6b, 0x35));
    m_eventFormat = QTextCharFormat();
    m_eventFormat.setForeground(dark ? QColor(0xa0, 0xae, 0xc0) : QColor(0x4a, 0x55, 0x68));
    m_eventFormat.setFontItalic(true);
    m_errorFormat = m_eventFormat;
    m_errorFormat.setForeground(dark ? QColor(0xfc, 0x81, 0x81) : QColor(0xb0, 0x1c, 0x1c));
    m_timeFormat = QTextCharFormat();
    m_timeFormat.setForeground(dark ? QColor(0xa0, 0xae, 0xc0) : QColor(0x5a, 0x62, 0x70));
}

void TranscriptView::changeEvent(QEvent *event)
{
    QPlainTextEdit::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        updateFormats();
        if (m_transcript && m_renderedEntries > 0)
            rerenderAll();
    }
}

bool TranscriptView::showMatch(Transcript::Direction, qint64, qint64)
{
    return false; // the virtualized view implements it
}
