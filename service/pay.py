"""Pay figures for answers, computed only from knowledge/pay.yaml — never typed into prose."""

from __future__ import annotations

from dataclasses import dataclass

from service.schema import BandPay, Pay, Role


def money(amount: float) -> str:
    return f"£{amount:,.2f}" if amount != int(amount) else f"£{int(amount):,}"


@dataclass(frozen=True)
class BandLine:
    band: str
    entry: int
    top: int
    zone_pay: dict[str, tuple[int, int]]  # zone -> (entry + supplement, top + supplement)


def zone_for(pay: Pay, borough: str | None) -> str | None:
    if borough in pay.hcas.inner_boroughs:
        return "inner"
    if borough in pay.hcas.outer_boroughs:
        return "outer"
    return None


def band_lines(pay: Pay, role: Role, year: str | None = None) -> list[BandLine]:
    """Basic pay per band, plus the percentage-based London supplement (verified bands only)."""
    if role.afc_band is None:
        return []
    table = {b.band: b for b in pay.table(year).bands}
    lines = []
    for band in role.afc_band.bands():
        row: BandPay | None = table.get(band)
        if row is None or not row.verified:
            continue
        zones = {z.zone: (round(row.entry * (1 + z.percent / 100)), round(row.top * (1 + z.percent / 100)))
                 for z in pay.hcas.zones if z.zone in ("inner", "outer")}
        lines.append(BandLine(band, row.entry, row.top, zones))
    return lines


def band_range_text(line: BandLine) -> str:
    if line.entry == line.top:
        return money(line.entry)
    return f"{money(line.entry)} to {money(line.top)}"


def zone_range_text(line: BandLine, zone: str) -> str:
    low, high = line.zone_pay[zone]
    return money(low) if low == high else f"{money(low)} to {money(high)}"


def allowed_figures(pay: Pay) -> set[str]:
    """Every £ figure an answer may show: table values and their computed London versions."""
    out: set[str] = set()
    for table in pay.afc:
        for row in table.bands:
            if not row.verified:
                continue
            for value in filter(None, (row.entry, row.middle, row.top)):
                out.add(money(value))
                for zone in pay.hcas.zones:
                    out.add(money(round(value * (1 + zone.percent / 100))))
    for rate in pay.rates:
        out.add(money(rate.amount))
    return out
