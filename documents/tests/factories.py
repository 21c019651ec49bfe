"""Client documents for tests, uploaded through the service."""

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from clients.tests.factories import ClientFactory
from documents import services
from documents.models import ClientDocument


def pdf(name: str = "contract.pdf", size: int = 0) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 " + b"x" * size, "application/pdf")


class ClientDocumentFactory(factory.django.DjangoModelFactory):
    """``ClientDocumentFactory(client=acme, expires_on=...)``; uploaded by the client's manager."""

    class Meta:
        model = ClientDocument

    client = factory.SubFactory(ClientFactory)
    kind = "contract"
    title = factory.Sequence(lambda n: f"Supply contract {n}")

    @classmethod
    def _create(cls, model_class, *args, client, by=None, file=None, **fields):
        return services.upload_document(client=client, by=by or client.owner, file=file or pdf(), **fields)
