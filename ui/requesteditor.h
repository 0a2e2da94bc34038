#pragma once

#include <QWidget>

#include "requestcodec.h"

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;

// The request: what to send, how to read it (Text with escapes, or Hex),
// which line ending a typed newline becomes, presets, and the Send button.
//
// The text is checked with RequestCodec on every change; an error is shown
// at once under the editor with its line and column, and Send stays
// disabled until it is fixed. Send is enabled only when the request is
// valid and setSendAllowed(true) was called (the session is connected).
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

    QPlainTextEdit *editor() const { return m_editor; }
    QPushButton *sendButton() const { return m_send; }
    QLabel *errorLabel() const { return m_error; }

Q_SIGNALS:
    void sendClicked();
    // A preset was chosen from the menu; the owner fills in host and port.
    void presetChosen(RequestCodec::Preset preset);
    void validityChanged(bool valid);

private:
    void validate();
    void updateSendButton();

    QPlainTextEdit *m_editor = nullptr;
    QComboBox *m_mode = nullptr;
    QComboBox *m_lineEnding = nullptr;
    QPushButton *m_presets = nullptr;
    QLabel *m_error = nullptr;
    QPushButton *m_send = nullptr;
    bool m_valid = true;
    bool m_sendAllowed = false;
};
