#pragma once

#include <QWidget>

#include "session.h"

class QAction;
class QComboBox;
class QLineEdit;
class QSpinBox;
class QToolButton;

// Where to connect: the host (editable, with the recent hosts in its list),
// the port, and the Connect and Disconnect actions with a button each.
//
// The actions are the one source of their text, shortcut (F5, Shift+F5),
// tooltip and enablement: the window puts the same actions in its menu and
// connects their triggered() signals. Connect is enabled when a connection
// can start (no session active and a host given), Disconnect while one is
// active, Closing included (the window aborts a close that stalls). Host
// and port can only be edited while no connection is active. Return in the
// host or port field triggers Connect when it is enabled.
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

    // Puts `widget` (the connection options summary) between the port and
    // the Connect button, in the tab order too.
    void addOptionsWidget(QWidget *widget);

    // Enables the controls and actions for this state.
    void setSessionState(Session::State state);
    // True when Connect is possible now (idle or closed, and a host given).
    bool canConnect() const;

    QAction *connectAction() const { return m_connectAction; }
    QAction *disconnectAction() const { return m_disconnectAction; }

    QLineEdit *hostEdit() const;
    QComboBox *hostCombo() const { return m_host; }
    QSpinBox *portBox() const { return m_port; }
    QToolButton *connectButton() const { return m_connect; }
    QToolButton *disconnectButton() const { return m_disconnect; }

private:
    bool isIdle() const; // no connection active
    void updateControls();

    QComboBox *m_host = nullptr;
    QSpinBox *m_port = nullptr;
    QAction *m_connectAction = nullptr;
    QAction *m_disconnectAction = nullptr;
    QToolButton *m_connect = nullptr;
    QToolButton *m_disconnect = nullptr;
    Session::State m_state = Session::State::Idle;
};
