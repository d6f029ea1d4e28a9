/**
 * An UpdateItem `SET a = :a, b = :b` for a record of attribute values, with every name and value
 * behind a placeholder (attribute names such as `name` or `path` are DynamoDB reserved words).
 */
export function setExpression(set: Record<string, unknown>) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const parts = Object.entries(set).map(([name, value], i) => {
    names[`#a${i}`] = name;
    values[`:v${i}`] = value;
    return `#a${i} = :v${i}`;
  });
  return { UpdateExpression: `SET ${parts.join(', ')}`, ExpressionAttributeNames: names, ExpressionAttributeValues: values };
}
