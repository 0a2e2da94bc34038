#include "connectionbar.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStyle>

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

    m_connect = new QPushButton(tr("&Connect"), this);
    m_connect->setObjectName(QStringLiteral("connect"));
    m_connect->setAccessibleName(tr("Connect"));
    m_connect->setToolTip(tr("Open a TCP connection to the host and port"));
    m_connect->setIcon(QIcon::fromTheme(QStringLiteral("network-connect"),
                                        style()->standardIcon(QStyle::SP_MediaPlay)));
    m_connect->setDefault(false);
    m_connect->setAutoDefault(false);

    m_disconnect = new QPushButton(tr("&Disconnect"), this);
    m_disconnect->setObjectName(QStringLiteral("disconnect"));
    m_disconnect->setAccessibleName(tr("Disconnect"));
    m_disconnect->setToolTip(tr("Close the connection (or stop connecting)"));
    m_disconnect->setIcon(QIcon::fromTheme(QStringLiteral("network-disconnect"),
                                           style()->standardIcon(QStyle::SP_MediaStop)));
    m_disconnect->setAutoDefault(false);

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(hostLabel);
    layout->addWidget(m_host, 1);
    layout->addWidget(portLabel);
    layout->addWidget(m_port);
    layout->addSpacing(style()->pixelMetric(QStyle::PM_LayoutHorizontalSpacing) * 2);
    layout->addWidget(m_connect);
    layout->addWidget(m_disconnect);

    connect(m_connect, &QPushButton::clicked, this, &ConnectionBar::connectClicked);
    connect(m_disconnect, &QPushButton::clicked, this, &ConnectionBar::disconnectClicked);
    connect(edit, &QLineEdit::textChanged, this, [this] {
        updateButtons();
        Q_EMIT endpointChanged();
    });
    connect(m_port, &QSpinBox::valueChanged, this, &ConnectionBar::endpointChanged);
    // Return in the host field connects, when that is possible.
    connect(edit, &QLineEdit::returnPressed, this, [this] {
        if (canConnect())
            Q_EMIT connectClicked();
    });

    updateButtons();
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
    updateButtons();
}

bool ConnectionBar::canConnect() const
{
    const bool idle = m_state == Session::State::Idle || m_state == Session::State::Closed;
    return idle && !host().isEmpty();
}

QLineEdit *ConnectionBar::hostEdit() const
{
    return m_host->lineEdit();
}

void ConnectionBar::updateButtons()
{
    const bool idle = m_state == Session::State::Idle || m_state == Session::State::Closed;
    m_connect->setEnabled(canConnect());
    m_disconnect->setEnabled(m_state == Session::State::LookingUp || m_state == Session::State::Connecting
                             || m_state == Session::State::Connected);
    m_host->setEnabled(idle);
    m_port->setEnabled(idle);
}
