// Twin of foundation-sponsors.rq: a foundation's sponsors by level, top levels first.
MATCH (sponsor)-[:SPONSORS]->(s:Sponsorship)-[:FUNDS]->(:Resource {uri: $foundation})
WITH sponsor, s, CASE s.in_kind WHEN true THEN 'in-kind' ELSE 'cash' END AS kind
RETURN sponsor.name AS sponsor, s.level AS level, s.rank AS rank, kind,
       s.amount_usd AS amount_usd,
       CASE s.listed_precision WHEN 'year' THEN toString(s.listed.year) WHEN 'month' THEN substring(toString(s.listed), 0, 7) ELSE toString(s.listed) END AS listed,
       sponsor.uri AS organization
ORDER BY coalesce(s.rank, 1000), kind, level, sponsor
