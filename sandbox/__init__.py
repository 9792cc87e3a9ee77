"""The publisher sandbox of `make run`: an HTTPS stand-in on this machine for a publisher's own services.

It answers as a SaaS landing page, a connection webhook, a customer leads endpoint and the pages of a publisher's
website, with a certificate from a certificate authority it makes at start-up, and shows what it received. The
portal never imports it: it knows only its address and CA file through settings (outbox.sandbox). Development
only; it needs trustme, installed with the test extras that `make run` installs.
"""
