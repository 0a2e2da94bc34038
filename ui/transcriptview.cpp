#include "transcriptview.h"

#include <algorithm>
#include <climits>

#include <QAccessible>
#include <QAccessibleWidget>
#include <QAction>
#include <QClipboard>
#include <QEvent>
#include <QGuiApplication>
#include <QKeyEvent>
#include <QLabel>
#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QStyle>
#include <QToolButton>

#include "actionutil.h"
#include "dialogs.h"
#include "fixedfont.h"
#include "transcripttext.h"

namespace {

constexpr int margin = 4; // pixels left of the text
constexpr int maxAnnouncedChars = 4096;

// The view to assistive technology: a read-only multi-line text whose
// offsets address the accessibility window (see TranscriptView).
class TranscriptViewAccessible : public QAccessibleWidget, public QAccessibleTextInterface
{
public:
    explicit TranscriptViewAccessible(TranscriptView *view)
        : QAccessibleWidget(view, QAccessible::EditableText)
    {
    }

    TranscriptView *view() const { return static_cast<TranscriptView *>(widget()); }

    void *interface_cast(QAccessible::InterfaceType type) override
    {
        if (type == QAccessible::TextInterface)
            return static_cast<QAccessibleTextInterface *>(this);
        return QAccessibleWidget::interface_cast(type);
    }

    QAccessible::State state() const override
    {
        QAccessible::State s = QAccessibleWidget::state();
        s.readOnly = true;
        s.multiLine = true;
        s.selectableText = true;
        return s;
    }

    QString text(QAccessible::Text t) const override
    {
        if (t == QAccessible::Value)
            return QString(); // the text is read through the text interface
        return QAccessibleWidget::text(t);
    }

    // QAccessibleTextInterface, in offsets of the window.
    void selection(int selectionIndex, int *startOffset, int *endOffset) const override
    {
        *startOffset = *endOffset = 0;
        if (selectionIndex != 0 || !view()->hasSelection())
            return;
        const int length = characterCount();
        const int start = offsetClamped(view()->selectionStart(), 0);
        const int end = offsetClamped(view()->selectionEnd(), length);
        if (start < end) {
            *startOffset = start;
            *endOffset = end;
        }
    }
    int selectionCount() const override
    {
        int start = 0;
        int end = 0;
        selection(0, &start, &end);
        return start < end ? 1 : 0;
    }
    void addSelection(int startOffset, int endOffset) override { setSelection(0, startOffset, endOffset); }
    void removeSelection(int) override { view()->clearSelection(); }
    void setSelection(int, int startOffset, int endOffset) override
    {
        view()->setSelection(view()->accessiblePosition(startOffset), view()->accessiblePosition(endOffset));
    }
    int cursorPosition() const override
    {
        return view()->hasSelection() ? std::max(0, view()->accessibleOffset(view()->selectionEnd())) : 0;
    }
    void setCursorPosition(int position) override
    {
        const TranscriptView::TextPosition at = view()->accessiblePosition(position);
        view()->setSelection(at, at);
    }
    QString text(int startOffset, int endOffset) const override
    {
        const QString window = view()->accessibleWindowText();
        startOffset = std::clamp(startOffset, 0, int(window.size()));
        endOffset = std::clamp(endOffset < 0 ? int(window.size()) : endOffset, startOffset, int(window.size()));
        return window.mid(startOffset, endOffset - startOffset);
    }
    int characterCount() const override { return int(view()->accessibleWindowText().size()); }
    QRect characterRect(int offset) const override
    {
        const QRect cell = view()->cellRect(view()->accessiblePosition(offset));
        if (cell.isEmpty())
            return {};
        return QRect(view()->viewport()->mapToGlobal(cell.topLeft()), cell.size());
    }
    int offsetAtPoint(const QPoint &point) const override
    {
        const QPoint local = view()->viewport()->mapFromGlobal(point);
        if (!view()->viewport()->rect().contains(local))
            return -1;
        return view()->accessibleOffset(view()->positionAt(local));
    }
    void scrollToSubstring(int startIndex, int) override
    {
        view()->scrollToRow(view()->accessiblePosition(startIndex).row);
    }
    QString attributes(int offset, int *startOffset, int *endOffset) const override
    {
        *startOffset = *endOffset = offset;
        return QString();
    }

private:
    int offsetClamped(TranscriptView::TextPosition position, int outside) const
    {
        const int offset = view()->accessibleOffset(position);
        if (offset >= 0)
            return offset;
        return position.row < view()->accessibleWindowFirstRow() ? 0 : outside;
    }
};

QAccessibleInterface *accessibleFactory(const QString &className, QObject *object)
{
    if (className == QLatin1String("TranscriptView") && object && object->isWidgetType())
        return new TranscriptViewAccessible(static_cast<TranscriptView *>(object));
    return nullptr;
}

} // namespace

TranscriptView::TranscriptView(QWidget *parent)
    : QAbstractScrollArea(parent)
{
    static const bool factoryInstalled = [] {
        QAccessible::installFactory(accessibleFactory);
        return true;
    }();
    Q_UNUSED(factoryInstalled);

    setObjectName(QStringLiteral("transcriptView"));
    setAccessibleName(tr("Transcript"));
    setAccessibleDescription(tr("What was sent (marked >), received (marked <) and what happened "
                                "(marked *), escaped so that any byte is visible"));
    setToolTip(tr("The conversation: > sent, < received, * events"));
    m_placeholder = tr("Connect to a host to see the conversation here.");
    setFont(fixedFont());
    setFocusPolicy(Qt::StrongFocus);
    setLayoutDirection(Qt::LeftToRight); // data reads left to right whatever the locale
    viewport()->setBackgroundRole(QPalette::Base);
    viewport()->setAutoFillBackground(true);
    viewport()->setCursor(Qt::IBeamCursor);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);

    // Over the viewport: they never scroll or take part in the selection.
    m_backlogLabel = new QLabel(viewport());
    m_backlogLabel->setObjectName(QStringLiteral("backlogIndicator"));
    m_backlogLabel->setTextFormat(Qt::PlainText);
    m_backlogLabel->setAutoFillBackground(true);
    m_backlogLabel->setBackgroundRole(QPalette::ToolTipBase);
    m_backlogLabel->setForegroundRole(QPalette::ToolTipText);
    m_backlogLabel->setMargin(fontMetrics().height() / 4);
    m_backlogLabel->setFrameShape(QFrame::StyledPanel);
    m_backlogLabel->setToolTip(tr("The view is still reading data that has already arrived"));
    m_backlogLabel->hide();

    m_newDataButton = new QToolButton(viewport());
    m_newDataButton->setObjectName(QStringLiteral("newDataIndicator"));
    m_newDataButton->setText(tr("New data below \u2193"));
    m_newDataButton->setAccessibleName(tr("New data below"));
    m_newDataButton->setToolTip(tr("More data arrived below: show the end and follow it again"));
    m_newDataButton->setCursor(Qt::PointingHandCursor);
    m_newDataButton->setAutoRaise(false);
    m_newDataButton->setFocusPolicy(Qt::NoFocus); // End / Ctrl+End do the same from the keyboard
    m_newDataButton->hide();
    connect(m_newDataButton, &QToolButton::clicked, this, &TranscriptView::scrollToEnd);

    m_shortTimer.setSingleShot(true);
    m_shortTimer.setInterval(shortDelayMs);
    m_longTimer.setSingleShot(true);
    m_longTimer.setInterval(longDelayMs);
    m_backlogTimer.setSingleShot(true);
    m_backlogTimer.setInterval(0);
    m_refreshTimer.setSingleShot(true);
    connect(&m_shortTimer, &QTimer::timeout, this, &TranscriptView::renderPending);
    connect(&m_longTimer, &QTimer::timeout, this, &TranscriptView::renderPending);
    connect(&m_backlogTimer, &QTimer::timeout, this, &TranscriptView::renderPending);
    connect(&m_refreshTimer, &QTimer::timeout, this, &TranscriptView::refresh);
    m_copyTimer.setSingleShot(true);
    m_copyTimer.setInterval(0);
    connect(&m_copyTimer, &QTimer::timeout, this, &TranscriptView::continueCopy);

    connect(verticalScrollBar(), &QScrollBar::valueChanged, this, [this](int value) {
        if (m_settingBars)
            return;
        const qint64 last = maxTop();
        m_top = value >= verticalScrollBar()->maximum() ? last : std::min(last, qint64(value) * m_scale);
        m_follow = m_top >= last;
        if (m_follow)
            m_newRowsBelow = false;
        updateNewDataIndicator();
        invalidateAccessibleWindow();
        if (QAccessible::isActive()) {
            QAccessibleEvent moved(this, QAccessible::VisibleDataChanged);
            QAccessible::updateAccessibility(&moved);
        }
        viewport()->update();
    });

    m_copyAction = makeAction(this, tr("&Copy"), tr("Copy the selected transcript text"),
                              QStringLiteral("edit-copy"), QStyle::SP_FileIcon);
    m_copyAction->setShortcut(QKeySequence::Copy);
    m_copyAction->setEnabled(false);
    connect(m_copyAction, &QAction::triggered, this, &TranscriptView::copy);
    m_selectAllAction = makeAction(this, tr("Select &All"), tr("Select the whole transcript"),
                                   QStringLiteral("edit-select-all"), QStyle::SP_FileIcon);
    m_selectAllAction->setShortcut(QKeySequence::SelectAll);
    connect(m_selectAllAction, &QAction::triggered, this, &TranscriptView::selectAll);
    m_timestampsAction = makeAction(this, tr("Show &Timestamps"),
                                    tr("Show the time of each line since the connection started"));
    m_timestampsAction->setCheckable(true);
    connect(m_timestampsAction, &QAction::toggled, this, &TranscriptView::setShowTimestamps);
    m_wrapAction = makeAction(this, tr("&Wrap Lines"), tr("Wrap long transcript lines at the window edge"));
    m_wrapAction->setCheckable(true);
    connect(m_wrapAction, &QAction::toggled, this, &TranscriptView::setWrapLines);
    m_hexAction = makeAction(this, tr("Show as &Hex"), QString());
    m_hexAction->setCheckable(true);
    setShortcuts(m_hexAction, {QKeySequence(Qt::CTRL | Qt::Key_H)},
                 tr("Show the data as hexadecimal bytes, like hexdump -C, instead of text"));
    connect(m_hexAction, &QAction::toggled, this, &TranscriptView::setShowHex);
    connect(this, &TranscriptView::selectionChanged, this, [this] { m_copyAction->setEnabled(hasSelection()); });

    updateColors();
}

// A running copy just stops (its timer is a member): no signal from a view
// being destroyed; CopyStatus hides on destroyed().
TranscriptView::~TranscriptView() = default;

void TranscriptView::setTranscript(std::shared_ptr<Transcript> transcript)
{
    disconnect(m_appendedConnection);
    stopTimers();
    cancelCopy(); // before the layout forgets the rows
    m_transcript = std::move(transcript);
    m_layout.setTranscript(m_transcript.get());
    m_pendingMatch.active = false;
    m_follow = true;
    m_newRowsBelow = false;
    m_top = 0;
    m_announcedRows = 0;
    resetView();
    updateBacklogIndicator();
    if (!m_transcript)
        return;
    m_appendedConnection = connect(m_transcript.get(), &Transcript::entriesAppended, this,
                                   &TranscriptView::onEntriesAppended);
    if (!m_transcript->isEmpty())
        onEntriesAppended();
}

// Forgets what depends on the rows' columns, then shows the current state.
void TranscriptView::resetView()
{
    cancelCopy(); // rows mean something else now
    m_maxColumns = 0;
    m_selecting = false;
    clearSelection();
    refresh();
}

void TranscriptView::setShowTimestamps(bool show)
{
    if (show == m_showTimestamps)
        return;
    m_showTimestamps = show;
    m_timestampsAction->setChecked(show);
    resetView();
}

void TranscriptView::setWrapLines(bool wrap)
{
    m_wrapAction->setChecked(wrap);
    if (wrap == m_wrap)
        return;
    m_wrap = wrap;
    setHorizontalScrollBarPolicy(wrap ? Qt::ScrollBarAlwaysOff : Qt::ScrollBarAsNeeded);
    refresh();
}

void TranscriptView::setShowHex(bool hex)
{
    m_hexAction->setChecked(hex);
    const TranscriptLayout::Mode mode = hex ? TranscriptLayout::Mode::Hex : TranscriptLayout::Mode::Text;
    if (mode == m_mode)
        return;
    // The same bytes (or event) at the top in the other mode.
    qint64 top = 0;
    const QList<TranscriptLayout::Row> rows = m_layout.rows(m_mode, m_top, 1);
    if (!rows.isEmpty()) {
        const TranscriptLayout::Row &row = rows.first();
        top = m_layout.firstRowOfEntry(mode, row.entry);
        if (!row.isEvent()) {
            const qint64 offset = m_mode == TranscriptLayout::Mode::Text ? row.info.offset + row.begin : row.begin;
            qsizetype column = 0;
            m_layout.rowOfByte(mode, row.info.direction, offset, false, &top, &column);
        }
    }
    m_mode = mode;
    m_top = std::max<qint64>(0, top);
    resetView();
}

void TranscriptView::setPlaceholderText(const QString &text)
{
    m_placeholder = text;
    viewport()->update();
}

void TranscriptView::flush()
{
    while (hasPending())
        renderPending();
    refresh();
}

bool TranscriptView::hasPending() const
{
    return m_transcript && m_layout.indexedEntries() < m_transcript->entryCount();
}

void TranscriptView::onEntriesAppended()
{
    // Only note that there is more: the timers decide when to look. A
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
    m_layout.indexMore(maxIndexBytesPerPass);
    ++m_renderCount;
    if (m_pendingMatch.active
        && selectMatch(m_pendingMatch.direction, m_pendingMatch.offset, m_pendingMatch.length))
        m_pendingMatch.active = false;
    if (hasPending()) {
        m_backlogTimer.start(); // the rest on the next turn, after events are handled
        scheduleRefresh();
    } else {
        refresh(); // passes from the coalescing timers come at most once a frame
    }
    updateBacklogIndicator();
    Q_EMIT rendered();
}

void TranscriptView::scheduleRefresh()
{
    if (!m_sinceRefresh.isValid() || m_sinceRefresh.elapsed() >= repaintIntervalMs)
        refresh();
    else if (!m_refreshTimer.isActive())
        m_refreshTimer.start(int(repaintIntervalMs - m_sinceRefresh.elapsed()));
}

void TranscriptView::refresh()
{
    m_refreshTimer.stop();
    m_sinceRefresh.start();
    const qint64 rows = rowCount();
    updateScrollBars();
    if (!m_follow && rows > m_announcedRows)
        m_newRowsBelow = true;
    updateNewDataIndicator();
    invalidateAccessibleWindow();
    viewport()->update();
    announceAppended(m_announcedRows);
    m_announcedRows = rows;
}

void TranscriptView::announceAppended(qint64 oldRows)
{
    const qint64 rows = rowCount();
    if (rows <= oldRows || !m_follow)
        return;
    ++m_announcements;
    if (!QAccessible::isActive())
        return;
    const qint64 first = std::max(oldRows, accessibleWindowFirstRow());
    const int position = accessibleOffset(TextPosition{first, 0});
    if (position < 0)
        return;
    QString text = accessibleWindowText().mid(position);
    if (text.size() > maxAnnouncedChars)
        text = text.right(maxAnnouncedChars);
    QAccessibleTextInsertEvent inserted(this, position, text);
    QAccessible::updateAccessibility(&inserted);
}

int TranscriptView::visibleRows() const
{
    return std::max(1, viewport()->height() / std::max(1, fontMetrics().lineSpacing()));
}

qreal TranscriptView::cellWidth() const
{
    return std::max<qreal>(1, QFontMetricsF(font()).horizontalAdvance(QLatin1Char('M')));
}

int TranscriptView::wrapColumns() const
{
    return std::max(1, int((viewport()->width() - 2 * margin) / cellWidth()));
}

int TranscriptView::rowHeightLines(const QString &text) const
{
    if (!m_wrap)
        return 1;
    const int columns = wrapColumns();
    return std::max(1, int((text.size() + columns - 1) / columns));
}

qint64 TranscriptView::maxTop() const
{
    const qint64 rows = rowCount();
    const int lines = visibleRows();
    if (!m_wrap)
        return std::max<qint64>(0, rows - lines);
    // Wrapped: as many of the last rows as fit.
    const QList<TranscriptLayout::Row> last = m_layout.rows(m_mode, std::max<qint64>(0, rows - lines), lines);
    int used = 0;
    qint64 top = rows;
    for (auto it = last.crbegin(); it != last.crend(); ++it) {
        used += rowHeightLines(m_layout.text(m_mode, *it, m_showTimestamps));
        if (used > lines && top < rows)
            break;
        --top;
    }
    return std::max<qint64>(0, top);
}

void TranscriptView::updateScrollBars()
{
    m_settingBars = true;
    const qint64 last = maxTop();
    constexpr qint64 maxSteps = INT_MAX / 2;
    m_scale = last > maxSteps ? last / maxSteps + 1 : 1;
    QScrollBar *bar = verticalScrollBar();
    bar->setRange(0, int((last + m_scale - 1) / m_scale));
    bar->setPageStep(std::max(1, int(visibleRows() / m_scale)));
    bar->setSingleStep(1);
    m_top = m_follow ? last : std::min(m_top, last);
    bar->setValue(m_top >= last ? bar->maximum() : int(m_top / m_scale));
    m_follow = m_top >= last;

    QScrollBar *horizontal = horizontalScrollBar();
    const int width = viewport()->width();
    const int content = m_wrap ? 0 : int(m_maxColumns * cellWidth()) + 2 * margin;
    horizontal->setRange(0, std::max(0, content - width));
    horizontal->setPageStep(std::max(1, width));
    horizontal->setSingleStep(std::max(1, int(cellWidth() * 4)));
    m_settingBars = false;
}

void TranscriptView::setTop(qint64 row)
{
    const qint64 last = maxTop();
    m_top = std::clamp<qint64>(row, 0, last);
    m_follow = m_top >= last;
    if (m_follow)
        m_newRowsBelow = false;
    m_settingBars = true;
    QScrollBar *bar = verticalScrollBar();
    bar->setValue(m_follow ? bar->maximum() : int(m_top / m_scale));
    m_settingBars = false;
    updateNewDataIndicator();
    invalidateAccessibleWindow();
    viewport()->update();
}

void TranscriptView::scrollToRow(qint64 row)
{
    updateScrollBars();
    setTop(row);
}

void TranscriptView::scrollToEnd()
{
    m_follow = true;
    m_newRowsBelow = false;
    updateScrollBars();
    setTop(maxTop());
}

void TranscriptView::ensureVisible(qint64 row)
{
    const int rows = visibleRows();
    if (row < m_top)
        setTop(row);
    else if (row >= m_top + rows)
        setTop(row - rows + 1);
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
    const QString text = tr("Catching up: showing %1 of %2 entries\u2026")
                             .arg(locale.toString(m_layout.indexedEntries()),
                                  locale.toString(m_transcript->entryCount()));
    m_backlogLabel->setText(text);
    m_backlogLabel->setAccessibleName(text);
    m_backlogLabel->adjustSize();
    placeIndicators();
    m_backlogLabel->show();
}

void TranscriptView::updateNewDataIndicator()
{
    const bool show = m_newRowsBelow && !m_follow;
    if (show == m_newDataButton->isVisible())
        return;
    if (show) {
        m_newDataButton->adjustSize();
        placeIndicators();
    }
    m_newDataButton->setVisible(show);
}

void TranscriptView::placeIndicators()
{
    const int gap = fontMetrics().height() / 2;
    const QRect area = viewport()->rect();
    m_backlogLabel->move(area.right() + 1 - gap - m_backlogLabel->width(),
                         area.bottom() + 1 - gap - m_backlogLabel->height());
    m_newDataButton->move(area.center().x() - m_newDataButton->width() / 2,
                          area.bottom() + 1 - gap - m_newDataButton->height());
}

void TranscriptView::resizeEvent(QResizeEvent *event)
{
    QAbstractScrollArea::resizeEvent(event);
    placeIndicators();
    updateScrollBars();
    invalidateAccessibleWindow();
}

void TranscriptView::scrollContentsBy(int, int)
{
    viewport()->update(); // rows are painted from m_top and the horizontal bar
}

void TranscriptView::updateColors()
{
    // The icon's colours (orange out, green in), darker on light backgrounds
    // for contrast (at least 4.5:1 either way).
    const bool dark = palette().color(QPalette::Base).lightnessF() < 0.5f;
    m_sentColor = dark ? QColor(0xf6, 0xad, 0x55) : QColor(0x9a, 0x4d, 0x00);
    m_receivedColor = dark ? QColor(0x68, 0xd3, 0x91) : QColor(0x1d, 0x6b, 0x35);
    m_eventColor = dark ? QColor(0xa0, 0xae, 0xc0) : QColor(0x4a, 0x55, 0x68);
    m_errorColor = dark ? QColor(0xfc, 0x81, 0x81) : QColor(0xb0, 0x1c, 0x1c);
    m_timeColor = dark ? QColor(0xa0, 0xae, 0xc0) : QColor(0x5a, 0x62, 0x70);
}

void TranscriptView::changeEvent(QEvent *event)
{
    QAbstractScrollArea::changeEvent(event);
    if (!m_newDataButton) // still constructing
        return;
    if (event->type() == QEvent::PaletteChange) {
        updateColors();
        viewport()->update();
    } else if (event->type() == QEvent::FontChange) {
        m_maxColumns = 0;
        refresh();
    }
}

QColor TranscriptView::rowColor(const TranscriptLayout::Row &row) const
{
    if (row.isEvent())
        return row.info.event == TranscriptEvent::error() ? m_errorColor : m_eventColor;
    return row.info.direction == Transcript::Direction::Sent ? m_sentColor : m_receivedColor;
}

QColor TranscriptView::rowColor(qint64 row) const
{
    const QList<TranscriptLayout::Row> rows = m_layout.rows(m_mode, row, 1);
    return rows.isEmpty() ? QColor() : rowColor(rows.first());
}

void TranscriptView::paintEvent(QPaintEvent *)
{
    QPainter painter(viewport());
    painter.setLayoutDirection(Qt::LeftToRight);
    m_paintedRows.clear();
    m_painted.clear();
    const QFontMetrics metrics(font());
    const int lineHeight = std::max(1, metrics.lineSpacing());
    const int height = viewport()->height();
    if (rowCount() == 0) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(viewport()->rect().adjusted(margin, margin / 2, -margin, 0),
                         Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, m_placeholder);
        return;
    }
    const qreal cell = cellWidth();
    const int ascent = metrics.ascent();
    const int hOffset = m_wrap ? 0 : horizontalScrollBar()->value();
    const int columns = m_wrap ? wrapColumns() : 0;
    // Unwrapped, only the columns in view are drawn.
    const qsizetype firstColumn = m_wrap ? 0 : std::max<qsizetype>(0, qsizetype((hOffset - margin) / cell) - 1);
    const qsizetype shownColumns = qsizetype(viewport()->width() / cell) + 3;
    const bool selection = hasSelection();
    const TextPosition selStart = selectionStart();
    const TextPosition selEnd = selectionEnd();
    QFont italic = font();
    italic.setItalic(true);
    // Binary data (a row that already needed byte escapes) is drawn in the
    // fixed font alone: its stray valid UTF-8 sequences span dozens of
    // scripts, and looking up a fallback font for each costs far more than
    // the glyphs are worth (they show as the font's missing-glyph box).
    // Text rows keep font fallback, so real non-Latin text reads normally.
    QFont binary = font();
    binary.setStyleStrategy(QFont::NoFontMerging);

    const QList<TranscriptLayout::Row> rows = m_layout.rows(m_mode, m_top, height / lineHeight + 1);
    int y = 0;
    int widest = m_maxColumns;
    for (qsizetype i = 0; i < rows.size() && y < height; ++i) {
        const TranscriptLayout::Row &row = rows.at(i);
        const qint64 rowIndex = m_top + i;
        const QString text = m_layout.text(m_mode, row, m_showTimestamps);
        const qsizetype timeLength = m_showTimestamps ? TranscriptText::timePrefix(row.info).size() : 0;
        m_paintedRows.append(text);
        widest = std::max(widest, int(std::min<qsizetype>(text.size(), INT_MAX / 4)));
        const int lines = m_wrap ? rowHeightLines(text) : 1;
        m_painted.append(Painted{rowIndex, y, lines, text.size()});
        painter.setFont(row.isEvent()                                    ? italic
                            : text.contains(QLatin1String("\\x"))            ? binary
                                                                             : font());
        const QColor color = rowColor(row);
        qsizetype selFrom = -1;
        qsizetype selTo = -1;
        if (selection && rowIndex >= selStart.row && rowIndex <= selEnd.row) {
            selFrom = rowIndex == selStart.row ? selStart.column : 0;
            selTo = rowIndex == selEnd.row ? selEnd.column : text.size() + 1; // +1: the line break
        }
        for (int line = 0; line < lines && y < height; ++line, y += lineHeight) {
            const qsizetype segFrom = m_wrap ? qsizetype(line) * columns : firstColumn;
            const qsizetype segTo = std::min(text.size(), m_wrap ? segFrom + columns : firstColumn + shownColumns);
            // x of column c on this line
            const auto xOf = [&](qsizetype c) {
                return m_wrap ? margin + qreal(c - segFrom) * cell : margin + qreal(c) * cell - hOffset;
            };
            const auto drawPiece = [&](qsizetype from, qsizetype to, const QColor &pen) {
                from = std::max(from, segFrom);
                to = std::min(to, segTo);
                if (from >= to)
                    return;
                painter.setPen(pen);
                painter.drawText(QPointF(xOf(from), y + ascent), text.mid(from, to - from));
            };
            drawPiece(0, timeLength, m_timeColor);
            drawPiece(timeLength, text.size(), color);
            if (selFrom >= 0) {
                const qsizetype from = std::max(selFrom, segFrom);
                const qsizetype to = std::min(selTo, m_wrap ? segFrom + columns : segTo + 1);
                if (from < to) {
                    const QRectF band(xOf(from), y, qreal(to - from) * cell, lineHeight);
                    painter.save();
                    painter.setClipRect(band);
                    painter.fillRect(band, palette().brush(QPalette::Highlight));
                    drawPiece(0, text.size(), palette().color(QPalette::HighlightedText));
                    painter.restore();
                }
            }
        }
    }
    if (widest > m_maxColumns && !m_wrap) {
        m_maxColumns = widest;
        QMetaObject::invokeMethod(this, &TranscriptView::updateScrollBars, Qt::QueuedConnection);
    }
}

TranscriptView::TextPosition TranscriptView::positionAt(const QPoint &point) const
{
    const qint64 rows = rowCount();
    if (rows == 0)
        return TextPosition{};
    const int lineHeight = std::max(1, fontMetrics().lineSpacing());
    const qreal cell = cellWidth();
    if (point.y() < 0)
        return TextPosition{std::max<qint64>(0, m_top - 1), 0};
    qint64 row = 0;
    int line = 0;
    if (!m_wrap || m_painted.isEmpty()) {
        row = std::min(rows - 1, m_top + point.y() / lineHeight);
    } else {
        const Painted *hit = &m_painted.first();
        for (const Painted &painted : m_painted) {
            if (point.y() >= painted.y)
                hit = &painted;
        }
        row = hit->row;
        line = std::min(hit->lines - 1, (point.y() - hit->y) / lineHeight);
    }
    const QStringList text = rowTexts(row, 1);
    const qsizetype length = text.isEmpty() ? 0 : text.first().size();
    const qreal x = m_wrap ? point.x() - margin : point.x() - margin + horizontalScrollBar()->value();
    const qsizetype column =
        qsizetype(std::max<qreal>(0, x) / cell + 0.5) + (m_wrap ? qsizetype(line) * wrapColumns() : 0);
    return TextPosition{row, std::min(column, length)};
}

QRect TranscriptView::cellRect(TextPosition position) const
{
    const int lineHeight = std::max(1, fontMetrics().lineSpacing());
    const qreal cell = cellWidth();
    if (!m_wrap) {
        if (position.row < m_top || position.row >= m_top + visibleRows() + 1 || position.row >= rowCount())
            return {};
        const qreal x = margin + qreal(position.column) * cell - horizontalScrollBar()->value();
        return QRect(int(x), int(position.row - m_top) * lineHeight, std::max(1, int(cell)), lineHeight);
    }
    for (const Painted &painted : m_painted) {
        if (painted.row != position.row)
            continue;
        const int columns = wrapColumns();
        const int line = int(position.column / columns);
        const qreal x = margin + qreal(position.column - qsizetype(line) * columns) * cell;
        return QRect(int(x), painted.y + line * lineHeight, std::max(1, int(cell)), lineHeight);
    }
    return {};
}

QStringList TranscriptView::rowTexts(qint64 first, qint64 count) const
{
    QStringList texts;
    for (const TranscriptLayout::Row &row : m_layout.rows(m_mode, first, count))
        texts.append(m_layout.text(m_mode, row, m_showTimestamps));
    return texts;
}

QString TranscriptView::allText() const
{
    return rowTexts(0, rowCount()).join(QLatin1Char('\n'));
}

void TranscriptView::setSelection(TextPosition anchor, TextPosition cursor)
{
    if (!m_hasSelection || !(anchor == m_anchor) || !(cursor == m_cursor))
        cancelCopy(); // the text being copied is no longer the selection
    m_anchor = anchor;
    m_cursor = cursor;
    m_hasSelection = true;
    viewport()->update();
    Q_EMIT selectionChanged();
}

void TranscriptView::clearSelection()
{
    cancelCopy();
    const bool had = hasSelection();
    m_hasSelection = false;
    m_anchor = m_cursor = TextPosition{};
    if (had) {
        viewport()->update();
        Q_EMIT selectionChanged();
    }
}

void TranscriptView::selectAll()
{
    const qint64 rows = rowCount();
    if (rows == 0)
        return;
    const QStringList last = rowTexts(rows - 1, 1);
    setSelection(TextPosition{0, 0}, TextPosition{rows - 1, last.isEmpty() ? 0 : last.first().size()});
}

qint64 TranscriptView::appendSelectedRows(QString &out, qint64 first, qint64 count, TextPosition start,
                                          TextPosition end) const
{
    const QList<TranscriptLayout::Row> rows = m_layout.rows(m_mode, first, count);
    for (qsizetype i = 0; i < rows.size(); ++i) {
        const qint64 index = first + i;
        const TranscriptLayout::Row &row = rows.at(i);
        const QString text = m_layout.text(m_mode, row, m_showTimestamps);
        qsizetype from = index == start.row ? std::min(start.column, text.size()) : 0;
        const qsizetype to = index == end.row ? std::min(end.column, text.size()) : text.size();
        // A cut long line is copied whole again: no break, no second head.
        const bool joined = index != start.row && row.continuation;
        if (joined)
            from = std::max(from, m_layout.head(m_mode, row, m_showTimestamps).size());
        else if (index != start.row)
            out += QLatin1Char('\n');
        if (to > from)
            out += QStringView(text).mid(from, to - from);
    }
    return rows.size();
}

QString TranscriptView::selectedText() const
{
    QString out;
    if (!hasSelection())
        return out;
    const TextPosition start = selectionStart();
    const TextPosition end = selectionEnd();
    constexpr qint64 batch = 512;
    for (qint64 first = start.row; first <= end.row;) {
        const qint64 read = appendSelectedRows(out, first, std::min(batch, end.row - first + 1), start, end);
        if (read == 0)
            break;
        first += read;
    }
    return out;
}

bool TranscriptView::byteAt(TextPosition position, Transcript::Direction *direction, qint64 *offset) const
{
    return m_layout.byteAt(m_mode, position.row, position.column, m_showTimestamps, direction, offset);
}

qint64 TranscriptView::estimatedSelectionChars() const
{
    if (!hasSelection())
        return 0;
    const TextPosition start = selectionStart();
    const TextPosition end = selectionEnd();
    const QList<TranscriptLayout::Row> first = m_layout.rows(m_mode, start.row, 1);
    const QList<TranscriptLayout::Row> last = m_layout.rows(m_mode, end.row, 1);
    if (first.isEmpty() || last.isEmpty())
        return 0;
    // The data bytes from the first row's entry to the end of the last
    // row's: a text row shows a byte in one character or more (an escape
    // takes up to four, UTF-8 takes fewer), a hex row 16 bytes in 78
    // columns. Each row adds its head.
    const TranscriptLayout::Row &lastRow = last.first();
    qint64 bytes = m_layout.bytesBeforeEntry(lastRow.entry + 1) - m_layout.bytesBeforeEntry(first.first().entry);
    const qint64 rows = end.row - start.row + 1;
    const bool hex = m_mode == TranscriptLayout::Mode::Hex;
    const qint64 headChars = (m_showTimestamps ? TranscriptText::timePrefix(lastRow.info).size() : 0) + 3;
    return (hex ? bytes * 5 : bytes) + rows * (headChars + 1);
}

void TranscriptView::copy()
{
    if (!hasSelection() || m_copyJob.active)
        return;
    const qint64 estimate = estimatedSelectionChars();
    if (estimate <= syncCopyChars) {
        const QString text = selectedText();
        if (!text.isEmpty())
            QGuiApplication::clipboard()->setText(text);
        return;
    }
    if (m_dialogs && estimate > m_copyConfirmChars) {
        const QLocale locale;
        const QString question =
            tr("The selection is about %1 characters: copying it takes about %2 of memory, and "
               "the program it is pasted into needs about as much again. Saving the transcript "
               "(File menu) keeps all of it without that.\n\nCopy it anyway?")
                .arg(locale.toString(estimate), locale.formattedDataSize(estimate * 2));
        if (!m_dialogs->confirm(window(), tr("Copy a Large Selection"), question, tr("Copy")))
            return;
        if (!hasSelection() || m_copyJob.active) // changed while asking
            return;
    }
    m_copyJob.active = true;
    m_copyJob.start = selectionStart();
    m_copyJob.end = selectionEnd();
    m_copyJob.next = m_copyJob.start.row;
    m_copyJob.text = QString();
    m_copyJob.text.reserve(qsizetype(std::min<qint64>(estimate, qint64(INT_MAX))));
    Q_EMIT copyStarted();
    Q_EMIT copyProgress(0, m_copyJob.end.row - m_copyJob.start.row + 1);
    m_copyTimer.start();
}

void TranscriptView::continueCopy()
{
    if (!m_copyJob.active)
        return;
    QElapsedTimer slice;
    slice.start();
    constexpr qint64 batch = 256;
    CopyJob &job = m_copyJob;
    while (job.next <= job.end.row) {
        const qint64 read = appendSelectedRows(job.text, job.next, std::min(batch, job.end.row - job.next + 1),
                                               job.start, job.end);
        if (read == 0) { // the rows are gone (cannot happen while the selection stands)
            stopCopy(false);
            return;
        }
        job.next += read;
        if (slice.elapsed() >= copySliceMs)
            break;
    }
    if (job.next <= job.end.row) {
        m_copyTimer.start(); // before the signal: a receiver may cancel
        Q_EMIT copyProgress(job.next - job.start.row, job.end.row - job.start.row + 1);
        return;
    }
    stopCopy(true);
}

void TranscriptView::stopCopy(bool copied)
{
    m_copyTimer.stop();
    QString text = std::move(m_copyJob.text);
    m_copyJob = CopyJob();
    if (copied) {
        text.squeeze();
        const qsizetype size = text.size();
        QGuiApplication::clipboard()->setText(text);
        text = QString();
        Q_EMIT message(tr("Copied %1 characters").arg(QLocale().toString(size)));
    } else {
        text = QString();
        Q_EMIT message(tr("Copy cancelled"));
    }
    Q_EMIT copyFinished(copied);
}

void TranscriptView::cancelCopy()
{
    if (m_copyJob.active)
        stopCopy(false);
}

void TranscriptView::moveCursorBy(qint64 rows, qsizetype columns, bool extend)
{
    const qint64 count = rowCount();
    if (count == 0)
        return;
    if (!m_hasSelection)
        m_anchor = m_cursor = TextPosition{m_top, 0};
    TextPosition cursor = m_cursor;
    cursor.row = std::clamp<qint64>(cursor.row + rows, 0, count - 1);
    const QStringList text = rowTexts(cursor.row, 1);
    const qsizetype length = text.isEmpty() ? 0 : text.first().size();
    cursor.column = std::clamp<qsizetype>(cursor.column + columns, 0, length);
    if (columns == std::numeric_limits<qsizetype>::max() / 2)
        cursor.column = length;
    setSelection(extend ? m_anchor : cursor, cursor);
    ensureVisible(cursor.row);
}

void TranscriptView::keyPressEvent(QKeyEvent *event)
{
    if (event == QKeySequence::Copy) {
        copy();
        return;
    }
    if (event->key() == Qt::Key_Escape && isCopying()) {
        cancelCopy();
        return;
    }
    if (event == QKeySequence::SelectAll) {
        selectAll();
        return;
    }
    const bool shift = event->modifiers() & Qt::ShiftModifier;
    const bool control = event->modifiers() & Qt::ControlModifier;
    const qint64 page = std::max(1, visibleRows() - 1);
    constexpr qsizetype lineEnd = std::numeric_limits<qsizetype>::max() / 2;
    switch (event->key()) {
    case Qt::Key_Up:
    case Qt::Key_Down: {
        const qint64 by = event->key() == Qt::Key_Up ? -1 : 1;
        if (shift)
            moveCursorBy(by, 0, true);
        else
            setTop(m_top + by);
        return;
    }
    case Qt::Key_PageUp:
    case Qt::Key_PageDown: {
        const qint64 by = event->key() == Qt::Key_PageUp ? -page : page;
        if (shift)
            moveCursorBy(by, 0, true);
        else
            setTop(m_top + by);
        return;
    }
    case Qt::Key_Home:
        if (shift)
            moveCursorBy(control ? -rowCount() : 0, -lineEnd, true);
        else
            setTop(0);
        return;
    case Qt::Key_End:
        if (shift)
            moveCursorBy(control ? rowCount() : 0, lineEnd, true);
        else
            scrollToEnd();
        return;
    case Qt::Key_Left:
    case Qt::Key_Right: {
        const int by = event->key() == Qt::Key_Left ? -1 : 1;
        if (shift)
            moveCursorBy(0, by, true);
        else
            horizontalScrollBar()->setValue(horizontalScrollBar()->value() + by * horizontalScrollBar()->singleStep());
        return;
    }
    default:
        break;
    }
    QAbstractScrollArea::keyPressEvent(event);
}

void TranscriptView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton) {
        QAbstractScrollArea::mousePressEvent(event);
        return;
    }
    const TextPosition at = positionAt(event->position().toPoint());
    if (event->modifiers() & Qt::ShiftModifier) {
        setSelection(m_hasSelection ? m_anchor : TextPosition{m_top, 0}, at);
    } else {
        setSelection(at, at);
    }
    m_selecting = true;
}

void TranscriptView::mouseMoveEvent(QMouseEvent *event)
{
    if (!m_selecting || !(event->buttons() & Qt::LeftButton))
        return;
    const QPoint point = event->position().toPoint();
    if (point.y() < 0)
        setTop(m_top - 1);
    else if (point.y() >= viewport()->height())
        setTop(m_top + 1);
    setSelection(m_anchor, positionAt(point));
}

void TranscriptView::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton)
        m_selecting = false;
}

void TranscriptView::mouseDoubleClickEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton)
        return;
    const TextPosition at = positionAt(event->position().toPoint());
    const QStringList text = rowTexts(at.row, 1);
    setSelection(TextPosition{at.row, 0}, TextPosition{at.row, text.isEmpty() ? 0 : text.first().size()});
}

bool TranscriptView::showMatch(Transcript::Direction direction, qint64 offset, qint64 length)
{
    length = std::max<qint64>(1, length);
    m_pendingMatch.active = false;
    if (selectMatch(direction, offset, length))
        return true;
    if (!m_transcript || offset < 0 || offset + length > m_transcript->totalBytes(direction) || !hasPending())
        return false;
    m_pendingMatch = PendingMatch{true, direction, offset, length};
    m_follow = false;
    return true;
}

bool TranscriptView::selectMatch(Transcript::Direction direction, qint64 offset, qint64 length)
{
    qint64 startRow = 0;
    qsizetype startColumn = 0;
    qint64 lastRow = 0;
    qsizetype lastColumn = 0;
    if (!m_layout.rowOfByte(m_mode, direction, offset, m_showTimestamps, &startRow, &startColumn)
        || !m_layout.rowOfByte(m_mode, direction, offset + length - 1, m_showTimestamps, &lastRow, &lastColumn))
        return false;
    // The end: where the byte after the match starts if on the same row,
    // else the end of the last byte's row (hex: its two digits).
    qsizetype endColumn = 0;
    qint64 afterRow = 0;
    qsizetype afterColumn = 0;
    const QStringList lastText = rowTexts(lastRow, 1);
    const qsizetype lastLength = lastText.isEmpty() ? 0 : lastText.first().size();
    if (m_mode == TranscriptLayout::Mode::Hex)
        endColumn = lastColumn + 2;
    else if (m_layout.rowOfByte(m_mode, direction, offset + length, m_showTimestamps, &afterRow, &afterColumn)
             && afterRow == lastRow)
        endColumn = afterColumn;
    else
        endColumn = lastLength;
    m_follow = false;
    updateScrollBars();
    setTop(startRow - visibleRows() / 3);
    setSelection(TextPosition{startRow, startColumn}, TextPosition{lastRow, endColumn});
    if (!m_wrap) {
        m_maxColumns = std::max<int>(m_maxColumns, int(std::min<qsizetype>(lastLength, INT_MAX / 4)));
        updateScrollBars();
        QScrollBar *horizontal = horizontalScrollBar();
        const int x = int(qreal(startColumn) * cellWidth());
        if (x < horizontal->value() || x + margin * 2 > horizontal->value() + viewport()->width())
            horizontal->setValue(x - viewport()->width() / 4);
    }
    return true;
}

qint64 TranscriptView::accessibleWindowFirstRow() const
{
    return std::max<qint64>(0, m_top - accessibleWindowRows);
}

void TranscriptView::invalidateAccessibleWindow()
{
    m_windowFirst = -1;
    m_windowText.clear();
    m_windowStarts.clear();
}

QString TranscriptView::accessibleWindowText() const
{
    if (m_windowFirst < 0) {
        m_windowFirst = accessibleWindowFirstRow();
        const qint64 end = std::min(rowCount(), m_top + visibleRows() + accessibleWindowRows);
        m_windowText.clear();
        m_windowStarts.clear();
        const QStringList rows = rowTexts(m_windowFirst, end - m_windowFirst);
        for (const QString &row : rows) {
            if (!m_windowStarts.isEmpty())
                m_windowText += QLatin1Char('\n');
            m_windowStarts.append(int(m_windowText.size()));
            m_windowText += row;
        }
    }
    return m_windowText;
}

TranscriptView::TextPosition TranscriptView::accessiblePosition(int offset) const
{
    const QString window = accessibleWindowText();
    if (m_windowStarts.isEmpty())
        return TextPosition{m_windowFirst, 0};
    offset = std::clamp(offset, 0, int(window.size()));
    const qsizetype index =
        std::upper_bound(m_windowStarts.cbegin(), m_windowStarts.cend(), offset) - m_windowStarts.cbegin() - 1;
    return TextPosition{m_windowFirst + index, offset - m_windowStarts.at(index)};
}

int TranscriptView::accessibleOffset(TextPosition position) const
{
    accessibleWindowText();
    const qint64 index = position.row - m_windowFirst;
    if (index < 0 || index >= m_windowStarts.size())
        return -1;
    const int start = m_windowStarts.at(index);
    const int end = index + 1 < m_windowStarts.size() ? m_windowStarts.at(index + 1) - 1 : int(m_windowText.size());
    return int(std::min<qsizetype>(start + position.column, end));
}
