"""The publisher agreement as first published (version 1), seeded by a data migration and by tests."""

AGREEMENT_TITLE = "Publisher Portal Publisher Agreement"

AGREEMENT_TEXT = """\
This agreement is between the marketplace operator ("we") and the company named in your account's legal info \
("you"). It applies to every offer you publish through the Publisher Portal, and you accept it on behalf of that \
company by selecting Accept. Accept it only if you are allowed to bind the company.

1. Your account. You keep your legal info accurate and complete, and you tell us promptly when it changes. We may \
verify your identity and your business before your offers go live and again whenever your legal info changes. We \
may decline to publish offers of an account we cannot verify.

2. Your offers. You are responsible for your offers, their listings and everything they link to. You have the \
rights to what you submit, your offers do what their listings say, and they comply with the certification \
policies and the laws of every market where you sell them. We review offers before they are published and may \
remove an offer that no longer meets the policies, telling you why.

3. Customers and their data. You handle the personal data of customers and leads only as your privacy policy \
says and as the law requires, and only to provide and support your offer. You answer the support contact listed \
on your offers.

4. Transactions. When customers buy your offer through the marketplace, they buy at the prices and terms you set \
on its plans. We collect the payments and pay you what is due, less the store service fee that applies when the \
purchase is made.

5. Changes and ending. We may publish new versions of this agreement; you accept a new version before you publish \
again. Either party may end this agreement with thirty days' notice; existing customers keep the purchases they \
made before the end.
"""


def agreement_seed(agreement_model) -> None:
    """Create version 1 of the publisher agreement unless a version exists (the model may be a historical one)."""
    if not agreement_model.objects.exists():
        agreement_model.objects.create(version=1, title=AGREEMENT_TITLE, text=AGREEMENT_TEXT)
