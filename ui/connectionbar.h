#pragma once

#include <QWidget>

#include "session.h"

class QComboBox;
class QLineEdit;
class QPushButton;
class QSpinBox;

// Where to connect: the host (editable, with the recent hosts in its list),
// the port, and the Connect and Disconnect buttons, enabled per session
// state. Host and port can only be edited while no connection is active.
class ConnectionBar : public QWidget
{
    Q_OBJECT
public:
    explicit ConnectionBar(QWidget *parent = nullptr);

    QString host() const; // trimmed
    void setHost(const QString &host);
    quint16 port() const;
    void setPort(quint16 port);
    void setRecentHosts(const QStringList &hosts);
    QStringList recentHosts() const;

    // Enables the controls for this state.
    void setSessionState(Session::State state);
    // True when Connect is possible now (idle or closed, and a host given).
    bool canConnect() const;

    QLineEdit *hostEdit() const;
    QComboBox *hostCombo() const { return m_host; }
    QSpinBox *portBox() const { return m_port; }
    QPushButton *connectButton() const { return m_connect; }
    QPushButton *disconnectButton() const { return m_disconnect; }

Q_SIGNALS:
    void connectClicked();
    void disconnectClicked();
    void endpointChanged(); // host or port edited

private:
    void updateButtons();

    QComboBox *m_host = nullptr;
    QSpinBox *m_port = nullptr;
    QPushButton *m_connect = nullptr;
    QPushButton *m_disconnect = nullptr;
    Session::State m_state = Session::State::Idle;
};
