#pragma once

#include <QWidget>

#include "requestcodec.h"

class QAction;
class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QToolButton;

// The request: what to send, how to read it (Text with escapes, or Hex),
// which line ending a typed newline becomes, presets, and the Send action
// with its button.
//
// The text is checked with RequestCodec on every change; an error is shown
// at once under the editor with its line and column, and Send stays
// disabled until it is fixed. For assistive technology the error label's
// accessible name carries the error, and a new error (not the same one at
// another column) is announced as an alert (Announce::alert).
//
// sendAction() is the one source of Send's text, shortcut (Ctrl+Return,
// window-wide), tooltip and enablement; the window puts it in its menu and
// connects triggered(). It is enabled only when the request is valid and
// setSendAllowed(true) was called (the session is connected).
class RequestEditor : public QWidget
{
    Q_OBJECT
public:
    explicit RequestEditor(QWidget *parent = nullptr);

    QString text() const;
    void setText(const QString &text);
    RequestCodec::Mode mode() const;
    void setMode(RequestCodec::Mode mode);
    RequestCodec::LineEnding lineEnding() const;
    void setLineEnding(RequestCodec::LineEnding lineEnding);

    // The encoded request as it is now (bytes or the first error).
    RequestCodec::Result encode() const;
    bool isValid() const { return m_valid; }

    // Replaces the text with a preset (Text mode), undoably.
    void applyPreset(RequestCodec::Preset preset, const QString &host, quint16 port);

    void setSendAllowed(bool allowed);

    QAction *sendAction() const { return m_sendAction; }
    QPlainTextEdit *editor() const { return m_editor; }
    QToolButton *sendButton() const { return m_send; }
    QLabel *errorLabel() const { return m_error; }

Q_SIGNALS:
    // A preset was chosen from the menu; the owner fills in host and port.
    void presetChosen(RequestCodec::Preset preset);
    void validityChanged(bool valid);

protected:
    void changeEvent(QEvent *event) override;

private:
    void validate();
    void updateSendAction();
    void updateErrorColour();
    void updateShortcutTexts();

    QPlainTextEdit *m_editor = nullptr;
    QComboBox *m_mode = nullptr;
    QComboBox *m_lineEnding = nullptr;
    QPushButton *m_presets = nullptr;
    QLabel *m_error = nullptr;
    QAction *m_sendAction = nullptr;
    QToolButton *m_send = nullptr;
    QString m_announcedError; // the message of the error last announced
    bool m_valid = true;
    bool m_sendAllowed = false;
};
