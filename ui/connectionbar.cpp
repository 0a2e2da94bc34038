#include "connectionbar.h"

#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QStyle>
#include <QToolButton>

#include "actionutil.h"

ConnectionBar::ConnectionBar(QWidget *parent)
    : QWidget(parent)
{
    m_host = new QComboBox(this);
    m_host->setObjectName(QStringLiteral("hostCombo"));
    m_host->setEditable(true);
    m_host->setInsertPolicy(QComboBox::NoInsert); // recent hosts are added on connect
    // No inline completion: it would silently turn "a" into "a.example.org".
    m_host->setCompleter(nullptr);
    m_host->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    m_host->setMinimumContentsLength(16);
    m_host->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    // The combo itself only offers the list; the screen reader types into
    // the line edit, which has the editable text interface.
    m_host->setAccessibleName(tr("Recent hosts"));
    m_host->setToolTip(tr("Host name or address (IPv4, IPv6); the list holds recent hosts"));
    QLineEdit *edit = m_host->lineEdit();
    edit->setObjectName(QStringLiteral("host"));
    edit->setAccessibleName(tr("Host"));
    edit->setAccessibleDescription(tr("Host name or IP address to connect to"));
    edit->setToolTip(m_host->toolTip());
    edit->setPlaceholderText(tr("host name or address"));
    edit->setClearButtonEnabled(true);
    auto *hostLabel = new QLabel(tr("H&ost:"), this);
    hostLabel->setBuddy(m_host);

    m_port = new QSpinBox(this);
    m_port->setObjectName(QStringLiteral("port"));
    m_port->setRange(1, 65535);
    m_port->setValue(80);
    m_port->setAccessibleName(tr("Port"));
    m_port->setAccessibleDescription(tr("TCP port, 1 to 65535"));
    m_port->setToolTip(tr("TCP port, 1 to 65535"));
    m_port->setGroupSeparatorShown(false);
    auto *portLabel = new QLabel(tr("&Port:"), this);
    portLabel->setBuddy(m_port);

    m_connectAction = makeAction(this, tr("&Connect to Host"), QString(), QStringLiteral("network-connect"),
                                 QStyle::SP_MediaPlay);
    m_connectAction->setObjectName(QStringLiteral("connectAction"));
    m_connectAction->setIconText(tr("&Connect")); // the button's text and mnemonic
    setShortcuts(m_connectAction, {QKeySequence(Qt::Key_F5)}, tr("Open a TCP connection to the host and port"));
    m_disconnectAction = makeAction(this, tr("&Disconnect from Host"), QString(),
                                    QStringLiteral("network-disconnect"), QStyle::SP_MediaStop);
    m_disconnectAction->setObjectName(QStringLiteral("disconnectAction"));
    m_disconnectAction->setIconText(tr("&Disconnect"));
    setShortcuts(m_disconnectAction, {QKeySequence(Qt::SHIFT | Qt::Key_F5)},
                 tr("Close the connection (or stop connecting)"));

    const auto makeButton = [this](QAction *action, const QString &objectName, const QString &accessibleName) {
        auto *button = new QToolButton(this);
        button->setObjectName(objectName);
        button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
        button->setDefaultAction(action);
        button->setAccessibleName(accessibleName);
        return button;
    };
    m_connect = makeButton(m_connectAction, QStringLiteral("connect"), tr("Connect"));
    m_disconnect = makeButton(m_disconnectAction, QStringLiteral("disconnect"), tr("Disconnect"));

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(hostLabel);
    layout->addWidget(m_host, 1);
    layout->addWidget(portLabel);
    layout->addWidget(m_port);
    layout->addSpacing(style()->pixelMetric(QStyle::PM_LayoutHorizontalSpacing) * 2);
    layout->addWidget(m_connect);
    layout->addWidget(m_disconnect);

    connect(edit, &QLineEdit::textChanged, this, &ConnectionBar::updateControls);
    // Return in the host or port field connects, when that is possible.
    const auto connectOnReturn = [this] {
        if (m_connectAction->isEnabled())
            m_connectAction->trigger();
    };
    connect(edit, &QLineEdit::returnPressed, this, connectOnReturn);
    // QAbstractSpinBox commits the typed value, then emits its line edit's
    // returnPressed(); its lineEdit() accessor is protected.
    if (auto *portEdit = m_port->findChild<QLineEdit *>())
        connect(portEdit, &QLineEdit::returnPressed, this, connectOnReturn);

    updateControls();
}

void ConnectionBar::addOptionsWidget(QWidget *widget)
{
    auto *box = static_cast<QHBoxLayout *>(layout());
    box->insertWidget(box->indexOf(m_connect) - 1, widget); // before the spacing
    setTabOrder(m_port, widget);
    setTabOrder(widget, m_connect);
}

QString ConnectionBar::host() const
{
    return m_host->currentText().trimmed();
}

void ConnectionBar::setHost(const QString &host)
{
    m_host->setEditText(host);
}

quint16 ConnectionBar::port() const
{
    return static_cast<quint16>(m_port->value());
}

void ConnectionBar::setPort(quint16 port)
{
    if (port > 0)
        m_port->setValue(port);
}

void ConnectionBar::setRecentHosts(const QStringList &hosts)
{
    const QString text = m_host->currentText();
    m_host->clear();
    m_host->addItems(hosts);
    m_host->setEditText(text); // clear() emptied it
}

QStringList ConnectionBar::recentHosts() const
{
    QStringList hosts;
    for (int i = 0; i < m_host->count(); ++i)
        hosts.append(m_host->itemText(i));
    return hosts;
}

void ConnectionBar::setSessionState(Session::State state)
{
    m_state = state;
    updateControls();
}

bool ConnectionBar::isIdle() const
{
    return m_state == Session::State::Idle || m_state == Session::State::Closed;
}

bool ConnectionBar::canConnect() const
{
    return isIdle() && !host().isEmpty();
}

QLineEdit *ConnectionBar::hostEdit() const
{
    return m_host->lineEdit();
}

void ConnectionBar::updateControls()
{
    m_connectAction->setEnabled(canConnect());
    m_disconnectAction->setEnabled(!isIdle());
    m_host->setEnabled(isIdle());
    m_port->setEnabled(isIdle());
}
