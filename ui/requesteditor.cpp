#include "requesteditor.h"

#include <QAction>
#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStyle>
#include <QTextCursor>
#include <QToolButton>
#include <QVBoxLayout>

#include "actionutil.h"
#include "announce.h"
#include "fixedfont.h"

namespace {

void selectData(QComboBox *combo, const QVariant &data)
{
    const int index = combo->findData(data);
    if (index >= 0)
        combo->setCurrentIndex(index);
}

} // namespace

RequestEditor::RequestEditor(QWidget *parent)
    : QWidget(parent)
{
    auto *requestLabel = new QLabel(tr("&Request:"), this);

    m_mode = new QComboBox(this);
    m_mode->setObjectName(QStringLiteral("requestMode"));
    m_mode->addItem(tr("Text"), QVariant::fromValue(RequestCodec::Mode::Text));
    m_mode->addItem(tr("Hex"), QVariant::fromValue(RequestCodec::Mode::Hex));
    m_mode->setAccessibleName(tr("Request mode"));
    m_mode->setToolTip(tr("Text: UTF-8 with escapes \\r \\n \\t \\\\ \\0 \\xHH\n"
                          "Hex: pairs of hex digits, spaces allowed"));
    auto *modeLabel = new QLabel(tr("&Mode:"), this);
    modeLabel->setBuddy(m_mode);

    m_lineEnding = new QComboBox(this);
    m_lineEnding->setObjectName(QStringLiteral("lineEnding"));
    m_lineEnding->addItem(tr("CRLF (\\r\\n)"), QVariant::fromValue(RequestCodec::LineEnding::CRLF));
    m_lineEnding->addItem(tr("LF (\\n)"), QVariant::fromValue(RequestCodec::LineEnding::LF));
    m_lineEnding->addItem(tr("None"), QVariant::fromValue(RequestCodec::LineEnding::None));
    m_lineEnding->setAccessibleName(tr("Line ending"));
    m_lineEnding->setToolTip(tr("What a line break typed in the request is sent as (Text mode)"));
    auto *lineEndingLabel = new QLabel(tr("&Line ending:"), this);
    lineEndingLabel->setBuddy(m_lineEnding);

    m_presets = new QPushButton(tr("Prese&ts"), this);
    m_presets->setObjectName(QStringLiteral("presets"));
    m_presets->setAccessibleName(tr("Presets"));
    m_presets->setToolTip(tr("Replace the request with a ready-made one"));
    m_presets->setAutoDefault(false);
    auto *presetMenu = new QMenu(m_presets);
    presetMenu->setAccessibleName(tr("Presets"));
    struct PresetItem {
        QString text;
        QString toolTip;
        RequestCodec::Preset preset;
    };
    const PresetItem items[] = {
        {tr("HTTP/1.0 GET"), tr("GET / HTTP/1.0 with the Host header"), RequestCodec::Preset::Http10Get},
        {tr("HTTP/1.1 GET (Connection: close)"),
         tr("GET / HTTP/1.1 with the Host header and Connection: close"),
         RequestCodec::Preset::Http11GetClose},
        {tr("Plain line"), tr("A single line of text"), RequestCodec::Preset::PlainLine},
    };
    for (const PresetItem &item : items) {
        QAction *action = presetMenu->addAction(item.text);
        action->setToolTip(item.toolTip);
        const RequestCodec::Preset preset = item.preset;
        connect(action, &QAction::triggered, this, [this, preset] { Q_EMIT presetChosen(preset); });
    }
    presetMenu->setToolTipsVisible(true);
    m_presets->setMenu(presetMenu);

    m_editor = new QPlainTextEdit(this);
    m_editor->setObjectName(QStringLiteral("requestEditor"));
    m_editor->setAccessibleName(tr("Request"));
    m_editor->setPlaceholderText(tr("Type a request, e.g. GET / HTTP/1.0 and an empty line"));
    m_editor->setFont(fixedFont());
    m_editor->setTabChangesFocus(true);
    m_editor->setLineWrapMode(QPlainTextEdit::NoWrap);
    requestLabel->setBuddy(m_editor);
    // A few lines tall, in text lines rather than pixels (HiDPI).
    m_editor->setMinimumHeight(m_editor->fontMetrics().lineSpacing() * 4);

    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("requestError"));
    m_error->setAccessibleName(tr("Request error: none"));
    m_error->setWordWrap(true);
    m_error->setTextFormat(Qt::PlainText);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->hide();
    updateErrorColour();

    m_sendAction = makeAction(this, tr("&Send Request"), QString(), QStringLiteral("mail-send"),
                              QStyle::SP_ArrowRight);
    m_sendAction->setObjectName(QStringLiteral("sendAction"));
    m_sendAction->setIconText(tr("&Send"));
    // Window-wide, so it also works while typing in the request editor.
    setShortcuts(m_sendAction, {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)},
                 tr("Send the request to the connected host"));
    m_sendAction->setShortcutContext(Qt::WindowShortcut);
    m_sendAction->setEnabled(false);

    m_send = new QToolButton(this);
    m_send->setObjectName(QStringLiteral("send"));
    m_send->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_send->setDefaultAction(m_sendAction);
    m_send->setAccessibleName(tr("Send"));
    updateShortcutTexts();

    auto *top = new QHBoxLayout;
    top->addWidget(requestLabel);
    top->addStretch(1);
    top->addWidget(modeLabel);
    top->addWidget(m_mode);
    top->addWidget(lineEndingLabel);
    top->addWidget(m_lineEnding);
    top->addWidget(m_presets);

    auto *bottom = new QHBoxLayout;
    bottom->addWidget(m_error, 1);
    bottom->addWidget(m_send, 0, Qt::AlignTop | Qt::AlignRight);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_editor, 1);
    layout->addLayout(bottom);

    connect(m_editor, &QPlainTextEdit::textChanged, this, &RequestEditor::validate);
    connect(m_mode, &QComboBox::currentIndexChanged, this, [this] {
        m_lineEnding->setEnabled(mode() == RequestCodec::Mode::Text);
        validate();
    });
    connect(m_lineEnding, &QComboBox::currentIndexChanged, this, &RequestEditor::validate);
    connect(m_sendAction, &QAction::changed, this, &RequestEditor::updateShortcutTexts);

    validate();
}

QString RequestEditor::text() const
{
    return m_editor->toPlainText();
}

void RequestEditor::setText(const QString &text)
{
    m_editor->setPlainText(text);
}

RequestCodec::Mode RequestEditor::mode() const
{
    return m_mode->currentData().value<RequestCodec::Mode>();
}

void RequestEditor::setMode(RequestCodec::Mode mode)
{
    selectData(m_mode, QVariant::fromValue(mode));
}

RequestCodec::LineEnding RequestEditor::lineEnding() const
{
    return m_lineEnding->currentData().value<RequestCodec::LineEnding>();
}

void RequestEditor::setLineEnding(RequestCodec::LineEnding lineEnding)
{
    selectData(m_lineEnding, QVariant::fromValue(lineEnding));
}

RequestCodec::Result RequestEditor::encode() const
{
    return RequestCodec::encode(text(), mode(), lineEnding());
}

void RequestEditor::applyPreset(RequestCodec::Preset preset, const QString &host, quint16 port)
{
    setMode(RequestCodec::Mode::Text);
    QTextCursor cursor(m_editor->document());
    cursor.select(QTextCursor::Document);
    cursor.insertText(RequestCodec::presetText(preset, host, port)); // one undo step
    m_editor->setFocus(Qt::OtherFocusReason);
}

void RequestEditor::setSendAllowed(bool allowed)
{
    m_sendAllowed = allowed;
    updateSendAction();
}

void RequestEditor::validate()
{
    const RequestCodec::Result result = encode();
    const bool valid = result.ok();
    if (valid) {
        m_error->clear();
        m_error->hide();
        Announce::setName(m_error, tr("Request error: none"));
        m_announcedError.clear();
    } else {
        const QString text = tr("Line %1, column %2: %3")
                                 .arg(result.error.line)
                                 .arg(result.error.column)
                                 .arg(result.error.message);
        m_error->setText(text);
        Announce::setName(m_error, tr("Request error: %1").arg(text));
        m_error->show();
        // A new error; not every keystroke while the same one stands, even
        // if typing before it moves its column.
        if (result.error.message != m_announcedError) {
            m_announcedError = result.error.message;
            Announce::alert(m_error);
        }
    }
    const bool wasValid = m_valid;
    m_valid = valid;
    updateShortcutTexts();
    updateSendAction();
    if (valid != wasValid)
        Q_EMIT validityChanged(valid);
}

void RequestEditor::updateSendAction()
{
    m_sendAction->setEnabled(m_sendAllowed && m_valid);
}

void RequestEditor::updateShortcutTexts()
{
    const QString keys = m_sendAction->shortcut().toString(QKeySequence::NativeText);
    m_editor->setToolTip(keys.isEmpty() ? tr("What to send") : tr("What to send; %1 sends it").arg(keys));
    if (!m_valid)
        m_editor->setAccessibleDescription(m_error->text());
    else if (keys.isEmpty())
        m_editor->setAccessibleDescription(tr("The bytes to send."));
    else
        m_editor->setAccessibleDescription(tr("The bytes to send. Send with %1.").arg(keys));
}

void RequestEditor::updateErrorColour()
{
    // Red enough to stand out, readable on light and dark backgrounds; only
    // the text colour is set, the rest follows the palette.
    const bool dark = palette().color(QPalette::Window).lightnessF() < 0.5f;
    QPalette palette;
    palette.setColor(QPalette::WindowText, dark ? QColor(0xff, 0x8a, 0x80) : QColor(0xb0, 0x1e, 0x1e));
    m_error->setPalette(palette);
}

void RequestEditor::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        updateErrorColour();
}
