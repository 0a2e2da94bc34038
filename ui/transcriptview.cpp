#include "transcriptview.h"

#include <QEvent>
#include "fixedfont.h"
#include <QScrollBar>
#include <QTextBlock>
#include <QTextCursor>

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
    setLineWrapMode(QPlainTextEdit::WidgetWidth);

    m_shortTimer.setSingleShot(true);
    m_shortTimer.setInterval(shortDelayMs);
    m_longTimer.setSingleShot(true);
    m_longTimer.setInterval(longDelayMs);
    connect(&m_shortTimer, &QTimer::timeout, this, &TranscriptView::renderPending);
    connect(&m_longTimer, &QTimer::timeout, this, &TranscriptView::renderPending);

    updateFormats();
}

TranscriptView::~TranscriptView() = default;

void TranscriptView::setTranscript(std::shared_ptr<Transcript> transcript)
{
    disconnect(m_appendedConnection);
    m_shortTimer.stop();
    m_longTimer.stop();
    m_transcript = std::move(transcript);
    m_renderedEntries = 0;
    clear();
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
    rerenderAll();
}

void TranscriptView::setWrapLines(bool wrap)
{
    setLineWrapMode(wrap ? QPlainTextEdit::WidgetWidth : QPlainTextEdit::NoWrap);
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
    // Only note that there is more: the timers decide when to draw.
    m_shortTimer.start();
    if (!m_longTimer.isActive())
        m_longTimer.start();
}

void TranscriptView::renderPending()
{
    m_shortTimer.stop();
    m_longTimer.stop();
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
        m_shortTimer.start(); // the rest in the next pass, after events are handled
    Q_EMIT rendered();
}

void TranscriptView::rerenderAll()
{
    m_shortTimer.stop();
    m_longTimer.stop();
    m_renderedEntries = 0;
    clear();
    renderPending();
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
