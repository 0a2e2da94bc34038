#include "findbar.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QShortcut>
#include <QStyle>
#include <QToolButton>

#include "actionutil.h"
#include "announce.h"
#include "searchpattern.h"
#include "transcript.h"
#include "transcriptview.h"

namespace {

// The platform's keys for `key`, with `fallback` added where they lack it.
QList<QKeySequence> keysWith(QKeySequence::StandardKey key, const QKeySequence &fallback)
{
    QList<QKeySequence> keys = QKeySequence::keyBindings(key);
    if (!keys.contains(fallback))
        keys.append(fallback);
    return keys;
}

QToolButton *toolButton(QWidget *parent, const QString &objectName)
{
    auto *button = new QToolButton(parent);
    button->setObjectName(objectName);
    button->setAutoRaise(true);
    button->setFocusPolicy(Qt::TabFocus);
    return button;
}

} // namespace

FindBar::FindBar(TranscriptView *view, QWidget *parent)
    : QWidget(parent)
    , m_view(view)
    , m_search(new TranscriptSearch(this))
{
    setObjectName(QStringLiteral("findBar"));
    setAccessibleName(tr("Find"));

    m_findAction = makeAction(this, tr("&Find..."), QString(), QStringLiteral("edit-find"),
                              QStyle::SP_FileDialogContentsView);
    m_findAction->setObjectName(QStringLiteral("findAction"));
    setShortcuts(m_findAction, keysWith(QKeySequence::Find, QKeySequence(Qt::CTRL | Qt::Key_F)),
                 tr("Find text or bytes in the transcript"));
    m_nextAction = makeAction(this, tr("Find &Next"), QString(), QStringLiteral("go-down"), QStyle::SP_ArrowDown);
    m_nextAction->setObjectName(QStringLiteral("findNextAction"));
    setShortcuts(m_nextAction, keysWith(QKeySequence::FindNext, QKeySequence(Qt::Key_F3)),
                 tr("Find the next match (Enter in the Find field)"));
    m_previousAction = makeAction(this, tr("Find Pre&vious"), QString(), QStringLiteral("go-up"), QStyle::SP_ArrowUp);
    m_previousAction->setObjectName(QStringLiteral("findPreviousAction"));
    setShortcuts(m_previousAction, keysWith(QKeySequence::FindPrevious, QKeySequence(Qt::SHIFT | Qt::Key_F3)),
                 tr("Find the previous match (Shift+Enter in the Find field)"));
    connect(m_findAction, &QAction::triggered, this, &FindBar::activate);
    connect(m_nextAction, &QAction::triggered, this, &FindBar::findNext);
    connect(m_previousAction, &QAction::triggered, this, &FindBar::findPrevious);

    auto *label = new QLabel(tr("F&ind:"), this);
    m_pattern = new QLineEdit(this);
    m_pattern->setObjectName(QStringLiteral("findPattern"));
    m_pattern->setAccessibleName(tr("Find pattern"));
    m_pattern->setClearButtonEnabled(true);
    m_pattern->installEventFilter(this);
    label->setBuddy(m_pattern);

    m_syntax = new QComboBox(this);
    m_syntax->setObjectName(QStringLiteral("findSyntax"));
    m_syntax->addItem(tr("Text"), QVariant::fromValue(int(SearchPattern::Syntax::Text)));
    m_syntax->addItem(tr("Hex"), QVariant::fromValue(int(SearchPattern::Syntax::Hex)));
    m_syntax->setAccessibleName(tr("Find as"));
    m_syntax->setToolTip(tr("Text: UTF-8 with escapes \\r \\n \\t \\\\ \\0 \\xHH\n"
                            "Hex: bytes as hex digits, e.g. \"0d 0a\", \"DEADBEEF\" or \"0x41 0x42\""));

    m_scope = new QComboBox(this);
    m_scope->setObjectName(QStringLiteral("findScope"));
    m_scope->addItem(tr("Sent and received"), QVariant::fromValue(int(TranscriptSearch::Scope::Both)));
    m_scope->addItem(tr("Sent only"), QVariant::fromValue(int(TranscriptSearch::Scope::Sent)));
    m_scope->addItem(tr("Received only"), QVariant::fromValue(int(TranscriptSearch::Scope::Received)));
    m_scope->setAccessibleName(tr("Find in"));
    m_scope->setToolTip(tr("Which data to search: what was sent, what was received, or both"));

    m_matchCase = new QCheckBox(tr("M&atch case"), this);
    m_matchCase->setObjectName(QStringLiteral("findMatchCase"));
    m_matchCase->setAccessibleName(tr("Match case"));
    m_matchCase->setToolTip(tr("Off: ASCII letters match in either case (Text only)"));

    // Not the actions themselves: their mnemonics belong in the Edit menu.
    m_previousButton = toolButton(this, QStringLiteral("findPrevious"));
    m_previousButton->setIcon(m_previousAction->icon());
    m_previousButton->setText(tr("Previous"));
    m_previousButton->setToolTip(m_previousAction->toolTip());
    m_previousButton->setAccessibleName(tr("Find previous"));
    connect(m_previousButton, &QToolButton::clicked, this, &FindBar::findPrevious);
    m_nextButton = toolButton(this, QStringLiteral("findNext"));
    m_nextButton->setIcon(m_nextAction->icon());
    m_nextButton->setText(tr("Next"));
    m_nextButton->setToolTip(m_nextAction->toolTip());
    m_nextButton->setAccessibleName(tr("Find next"));
    connect(m_nextButton, &QToolButton::clicked, this, &FindBar::findNext);

    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("findProgress"));
    m_progress->setAccessibleName(tr("Search progress"));
    m_progress->setToolTip(tr("How much of the transcript has been searched"));
    m_progress->setRange(0, 1000);
    m_progress->setTextVisible(false);
    m_progress->setMaximumWidth(fontMetrics().horizontalAdvance(QLatin1Char('M')) * 10);
    m_progress->hide();

    m_cancel = toolButton(this, QStringLiteral("findCancel"));
    m_cancel->setText(tr("Cancel"));
    m_cancel->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_cancel->setAccessibleName(tr("Cancel search"));
    m_cancel->setToolTip(tr("Stop searching"));
    m_cancel->hide();
    connect(m_cancel, &QToolButton::clicked, m_search, &TranscriptSearch::cancel);

    m_result = new QLabel(this);
    m_result->setObjectName(QStringLiteral("findResult"));
    m_result->setTextFormat(Qt::PlainText);
    m_result->setToolTip(tr("The result of the last search"));
    Announce::setName(m_result, tr("Find result: none"));

    m_close = toolButton(this, QStringLiteral("findClose"));
    m_close->setIcon(style()->standardIcon(QStyle::SP_TitleBarCloseButton));
    m_close->setAccessibleName(tr("Close Find bar"));
    m_close->setToolTip(withShortcut(tr("Close the Find bar"), QKeySequence(Qt::Key_Escape)));
    connect(m_close, &QToolButton::clicked, this, &FindBar::dismiss);

    auto *escape = new QShortcut(QKeySequence(Qt::Key_Escape), this);
    escape->setContext(Qt::WidgetWithChildrenShortcut);
    connect(escape, &QShortcut::activated, this, &FindBar::dismiss);

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(label);
    layout->addWidget(m_pattern, 2);
    layout->addWidget(m_syntax);
    layout->addWidget(m_scope);
    layout->addWidget(m_matchCase);
    layout->addWidget(m_previousButton);
    layout->addWidget(m_nextButton);
    layout->addWidget(m_progress);
    layout->addWidget(m_cancel);
    layout->addWidget(m_result, 1);
    layout->addWidget(m_close);

    connect(m_syntax, &QComboBox::currentIndexChanged, this, &FindBar::updateSyntax);
    connect(m_search, &TranscriptSearch::progress, this, &FindBar::onProgress);
    connect(m_search, &TranscriptSearch::finished, this, &FindBar::onFinished);
    if (m_view)
        connect(m_view, &TranscriptView::selectionChanged, this, &FindBar::onViewSelectionChanged);
    updateSyntax();
    updateErrorColour();
    hide();
}

FindBar::~FindBar() = default;

void FindBar::activate()
{
    show();
    m_pattern->setFocus(Qt::ShortcutFocusReason);
    m_pattern->selectAll();
}

void FindBar::dismiss()
{
    m_search->cancel();
    hide();
    if (m_view)
        m_view->setFocus(Qt::OtherFocusReason);
}

void FindBar::findNext()
{
    find(false);
}

void FindBar::findPrevious()
{
    find(true);
}

void FindBar::setCurrentRange(const TranscriptSearch::Match &range)
{
    m_selectionMoved = false;
    m_current = range;
    m_searched = m_view ? m_view->transcript() : nullptr;
}

QString FindBar::resultText() const
{
    return m_result->text();
}

bool FindBar::isSearching() const
{
    return m_search->isRunning();
}

void FindBar::find(bool backward)
{
    if (isHidden() || m_pattern->text().isEmpty()) {
        activate();
        if (m_pattern->text().isEmpty())
            return;
    }
    const auto syntax = SearchPattern::Syntax(m_syntax->currentData().toInt());
    const SearchPattern pattern = SearchPattern::parse(m_pattern->text(), syntax, m_matchCase->isChecked());
    if (!pattern.isValid()) {
        m_search->cancel();
        const QString message = syntax == SearchPattern::Syntax::Hex
            ? tr("Bad hex pattern (%1)").arg(pattern.errorString())
            : tr("Bad pattern (%1)").arg(pattern.errorString());
        setResult(message, true);
        Q_EMIT statusMessage(message, 5000);
        if (pattern.errorColumn() > 0)
            m_pattern->setCursorPosition(pattern.errorColumn() - 1);
        return;
    }
    const std::shared_ptr<Transcript> transcript = m_view ? m_view->transcript() : nullptr;
    if (!transcript || !transcript->hasData()) {
        setResult(tr("Nothing to search yet"), false);
        return;
    }
    if (m_searched.lock() != transcript) { // another connection or file: start from an end
        m_current = TranscriptSearch::Match();
        m_searched = transcript;
    }
    startFromViewSelection();

    TranscriptSearch::Request request;
    request.pattern = pattern.bytes();
    request.caseSensitive = pattern.caseSensitive();
    request.scope = TranscriptSearch::Scope(m_scope->currentData().toInt());
    request.backward = backward;
    request.from = m_current;
    m_backward = backward;
    setResult(tr("Searching\u2026"), false);
    m_search->start(transcript->snapshot(), request);
}

void FindBar::onProgress(qint64 scanned, qint64 total)
{
    if (total <= 0)
        return;
    m_progress->setValue(int(scanned * 1000 / total));
    m_progress->show();
    m_cancel->show();
}

void FindBar::stopProgress()
{
    m_progress->hide();
    m_cancel->hide();
    m_progress->reset();
}

void FindBar::onFinished(const TranscriptSearch::Result &result)
{
    const bool cancelFocused = m_cancel->hasFocus();
    stopProgress();
    if (cancelFocused)
        m_pattern->setFocus(Qt::OtherFocusReason);
    switch (result.status) {
    case TranscriptSearch::Status::Cancelled:
        setResult(tr("Search cancelled"), false);
        return;
    case TranscriptSearch::Status::NotFound:
        setResult(tr("Not found"), false);
        return;
    case TranscriptSearch::Status::Found:
        break;
    }
    if (!m_view || m_view->transcript() != m_searched.lock()) { // the view moved on meanwhile
        setResult(QString(), false);
        return;
    }
    const TranscriptSearch::Match &match = result.match;
    m_current = match;
    m_selectionMoved = false;
    if (m_view) {
        m_showingMatch = true;
        m_view->showMatch(match.direction, match.offset, match.length);
        m_showingMatch = false;
    }
    Q_EMIT matchFound(match.direction, match.offset, match.length);

    const QString where = (match.direction == Transcript::Direction::Sent ? tr("Sent, offset %1")
                                                                          : tr("Received, offset %1"))
                              .arg(QLocale().toString(match.offset));
    if (result.wrapped) {
        const QString wrapped = m_backward ? tr("Search wrapped to the bottom") : tr("Search wrapped to the top");
        setResult(tr("%1 (%2)").arg(where, wrapped.toLower()), false);
        Q_EMIT statusMessage(wrapped, 5000);
    } else {
        setResult(where, false);
    }
}

void FindBar::onViewSelectionChanged()
{
    if (m_showingMatch)
        return;
    if (!m_view->hasCaret()) { // cleared (e.g. another mode): the last match stays the place
        m_selectionMoved = false;
        return;
    }
    // A match the view selects late (it was still catching up) is not the person's.
    Transcript::Direction direction = Transcript::Direction::Received;
    qint64 offset = -1;
    if (m_current.isValid() && m_view->hasSelection()
        && m_view->byteAt(m_view->selectionStart(), &direction, &offset) && direction == m_current.direction
        && offset == m_current.offset)
        return;
    m_selectionMoved = true;
}

void FindBar::startFromViewSelection()
{
    if (!m_selectionMoved || !m_view || !m_view->hasCaret())
        return;
    m_selectionMoved = false;
    Transcript::Direction direction = Transcript::Direction::Received;
    qint64 offset = -1;
    if (!m_view->byteAt(m_view->selectionStart(), &direction, &offset))
        return; // nothing after it: from the last match as before
    // Length 1 for a selection: Next skips a match at its very start (the
    // selected match itself); 0 for a click: a match right there is next.
    m_current = TranscriptSearch::Match{direction, offset, m_view->hasSelection() ? 1 : 0};
}

void FindBar::setResult(const QString &text, bool isError)
{
    m_result->setText(text);
    if (m_resultIsError != isError) {
        m_resultIsError = isError;
        updateErrorColour();
    }
    Announce::setName(m_result, tr("Find result: %1").arg(text));
    if (isError)
        Announce::alert(m_result);
}

void FindBar::updateSyntax()
{
    const bool hex = SearchPattern::Syntax(m_syntax->currentData().toInt()) == SearchPattern::Syntax::Hex;
    m_matchCase->setEnabled(!hex);
    m_pattern->setPlaceholderText(hex ? tr("Hex bytes, e.g. 0d 0a") : tr("Text, e.g. HTTP/1.1 or \\r\\n"));
    m_pattern->setToolTip(hex ? tr("Bytes to find as hex digits: \"0d 0a\", \"DEADBEEF\", \"0x41 0x42\"")
                              : tr("Text to find, as UTF-8; escapes \\r \\n \\t \\\\ \\0 \\xHH as in the request"));
}

void FindBar::updateErrorColour()
{
    QPalette palette = this->palette();
    if (m_resultIsError) {
        const bool dark = palette.color(QPalette::Window).lightnessF() < 0.5f;
        palette.setColor(QPalette::WindowText, dark ? QColor(0xff, 0x8a, 0x80) : QColor(0xb0, 0x1e, 0x1e));
    }
    m_result->setPalette(palette);
}

bool FindBar::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_pattern && event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        if (key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) {
            if (key->modifiers() & Qt::ShiftModifier)
                findPrevious();
            else
                findNext();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void FindBar::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        updateErrorColour();
}
