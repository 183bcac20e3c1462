// Twin of entity-sources.rq: the sources behind the facts about an entity, with their graph.
MATCH (entity:Resource {uri: $entity})
CALL (entity) {
  RETURN entity AS fact
  UNION
  MATCH (fact)-[:ABOUT|STEWARDED_BY|MEMBER_OF|FROM|TO]->(entity) RETURN fact
  UNION
  MATCH (entity)-[:HOLDS]->(fact) RETURN fact
}
MATCH (fact)-[c:CITES]->(s:Source)
UNWIND [l IN labels(fact) WHERE l IN ['Project', 'Organization', 'Stewardship', 'Membership', 'Event']] AS label
RETURN fact.uri AS fact,
       CASE label WHEN 'Event' THEN 'StewardshipEvent' ELSE label END AS fact_type,
       s.url AS url, s.title AS title, c.graph AS graph
ORDER BY fact_type, fact, url
