import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { setExpression } from './set-expression.js';

/** The item was not in one of the states the update starts from: its state now, or undefined when there is no item. */
export class StateMismatch extends Error {
  override name = 'StateMismatch';
  constructor(readonly current: string | undefined) {
    super(current ? `state is ${current}` : 'no such item');
  }
}

/**
 * One step of a lifecycle (a round's, a campaign's): SET every defined field of `patch` (and REMOVE
 * the fields in `remove`) on the item at `key` if it exists and its `state` is one of `from`, in one
 * conditional Update; the item as it is after. A refusal throws StateMismatch with the state found (read from the failed condition's
 * old image, else with `reread`), so the 409 can say what the item is.
 */
export async function updateIfState(
  doc: DynamoDBDocumentClient,
  table: string,
  key: Record<string, string>,
  from: readonly string[],
  patch: Record<string, unknown>,
  reread: () => Promise<string | undefined>,
  remove: readonly string[] = [],
): Promise<Record<string, unknown>> {
  const update = setExpression(patch, remove);
  const names: Record<string, string> = { ...update.ExpressionAttributeNames, '#state': 'state' };
  const values: Record<string, unknown> = { ...update.ExpressionAttributeValues };
  from.forEach((state, index) => (values[`:from${index}`] = state));
  try {
    const { Attributes } = await doc.send(
      new UpdateCommand({
        TableName: table,
        Key: key,
        UpdateExpression: update.UpdateExpression,
        ConditionExpression: `attribute_exists(pk) AND #state IN (${from.map((_, index) => `:from${index}`).join(', ')})`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return Attributes!;
  } catch (error) {
    if (error instanceof Error && error.name === 'ConditionalCheckFailedException') {
      // ALL_OLD comes back in DynamoDB's attribute-value form ({ state: { S: 'sending' } }).
      const old = (error as { Item?: Record<string, { S?: string } | undefined> }).Item;
      throw new StateMismatch(old ? old.state?.S : await reread());
    }
    throw error;
  }
}
