from django.apps import AppConfig


class CarrierTestsConfig(AppConfig):
    """Records of an imaginary capability, installed by the test settings only: the contract
    tests need a table that carries a province, an administrative unit and a routing rule."""

    name = "tinhgon.carriers.tests.testapp"
    label = "carrier_tests"

    def ready(self) -> None:
        from tinhgon.carriers.contract import register
        from tinhgon.carriers.tests.testapp.carriers import ParcelsCarrier, PostingsCarrier

        register(ParcelsCarrier())
        register(PostingsCarrier())
