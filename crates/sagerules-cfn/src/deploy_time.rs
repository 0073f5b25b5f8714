//! What a value made at deploy time is known to be: the `Ref` or `Fn::GetAtt` of a resource
//! of the same template is a non-empty string, and for the common kinds (KMS keys and aliases,
//! roles, managed policies, subnets, security groups, VPCs, buckets) its shape is known too:
//!
//! ```yaml
//! KmsKeyId: !Ref Key            # "11111111-2222-3333-4444-555555555555" (a key id)
//! KmsKeyId: !GetAtt Key.Arn     # "arn:aws:kms:us-east-1:000000000000:key/1111…"
//! SubnetId: !Ref PrivateSubnet  # "subnet-0000000000000000a"
//! ```
//!
//! So "a key is set" passes for a key the stack creates however the rule says it (`exists`,
//! `!empty`, `is_string`, a regex on the key-ARN shape), while an allow-list of key ARNs, which
//! cannot name a key that does not exist yet, stays unknown.

/// A key id, as `Ref` of an `AWS::KMS::Key` gives it, and that key's ARN.
const KEY_ID: &str = "11111111-2222-3333-4444-555555555555";
const KEY_ARN: &str = "arn:aws:kms:us-east-1:000000000000:key/11111111-2222-3333-4444-555555555555";

/// (resource type, attribute or `Ref`) → a value of that kind, account 000000000000 in
/// us-east-1.
const SHAPES: [(&str, &str, &str); 20] = [
    ("AWS::KMS::Key", "Ref", KEY_ID),
    ("AWS::KMS::Key", "KeyId", KEY_ID),
    ("AWS::KMS::Key", "Arn", KEY_ARN),
    ("AWS::KMS::Alias", "Ref", "alias/deploy-time"),
    ("AWS::KMS::ReplicaKey", "Ref", KEY_ID),
    ("AWS::KMS::ReplicaKey", "KeyId", KEY_ID),
    ("AWS::KMS::ReplicaKey", "Arn", KEY_ARN),
    ("AWS::IAM::Role", "Ref", "deploy-time-role"),
    (
        "AWS::IAM::Role",
        "Arn",
        "arn:aws:iam::000000000000:role/deploy-time-role",
    ),
    (
        "AWS::IAM::ManagedPolicy",
        "Ref",
        "arn:aws:iam::000000000000:policy/deploy-time-policy",
    ),
    (
        "AWS::IAM::ManagedPolicy",
        "PolicyArn",
        "arn:aws:iam::000000000000:policy/deploy-time-policy",
    ),
    ("AWS::EC2::Subnet", "Ref", "subnet-0000000000000000a"),
    ("AWS::EC2::Subnet", "SubnetId", "subnet-0000000000000000a"),
    ("AWS::EC2::SecurityGroup", "GroupId", "sg-0000000000000000a"),
    ("AWS::EC2::VPC", "Ref", "vpc-0000000000000000a"),
    ("AWS::EC2::VPC", "VpcId", "vpc-0000000000000000a"),
    ("AWS::S3::Bucket", "Ref", "deploy-time-bucket"),
    ("AWS::S3::Bucket", "Arn", "arn:aws:s3:::deploy-time-bucket"),
    (
        "AWS::SNS::Topic",
        "Ref",
        "arn:aws:sns:us-east-1:000000000000:deploy-time-topic",
    ),
    (
        "AWS::SageMaker::NotebookInstanceLifecycleConfig",
        "NotebookInstanceLifecycleConfigName",
        "deploy-time-lifecycle-config",
    ),
];

/// The shape of `attribute` (`"Ref"` for `!Ref`) of a resource of `resource_type`.
pub fn shape(resource_type: &str, attribute: &str) -> Option<&'static str> {
    SHAPES
        .iter()
        .find(|(t, a, _)| *t == resource_type && *a == attribute)
        .map(|(_, _, shape)| *shape)
}

/// Resource types whose `Ref` / `GetAtt` names a KMS key, which the pack's `allowStackKeys`
/// lets through key allow-lists.
const KEY_KINDS: [&str; 3] = ["AWS::KMS::Key", "AWS::KMS::ReplicaKey", "AWS::KMS::Alias"];

/// Whether a resource of this type is a KMS key (or an alias naming one).
pub fn is_key(resource_type: &str) -> bool {
    KEY_KINDS.contains(&resource_type)
}

/// The value of a pseudo parameter, for the shape of a `Fn::Sub` string.
pub fn pseudo(name: &str) -> Option<&'static str> {
    match name {
        "AWS::Partition" => Some("aws"),
        "AWS::Region" => Some("us-east-1"),
        "AWS::AccountId" => Some("000000000000"),
        "AWS::URLSuffix" => Some("amazonaws.com"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_arn_has_the_shape_rules_match() {
        let arn = shape("AWS::KMS::Key", "Arn").unwrap_or_default();
        let re = regex::Regex::new("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-f0-9-]{36}$");
        assert!(re.is_ok_and(|re| re.is_match(arn)));
        assert_eq!(shape("AWS::EC2::SecurityGroup", "Ref"), None);
    }
}
