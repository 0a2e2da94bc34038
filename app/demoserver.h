#pragma once

#include <QHostAddress>
#include <QTcpServer>

// A tiny in-process server on one free loopback port, so a new user sees a
// real exchange without any network. Line-based: a request line starting
// with an HTTP method gets an HTTP/1.0 response and the connection closes;
// any other line is echoed back.
class DemoServer : public QObject
{
    Q_OBJECT
public:
    explicit DemoServer(QObject *parent = nullptr);

    // Listens on 127.0.0.1 on a free port. Returns false with errorString().
    bool start();
    quint16 port() const;
    QHostAddress address() const { return QHostAddress(QHostAddress::LocalHost); }
    QString errorString() const;

private:
    void onNewConnection();

    QTcpServer m_server;
};
